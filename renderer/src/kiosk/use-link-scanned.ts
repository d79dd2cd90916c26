import { useState } from 'react';
import type { AgentBridge } from '../../../protocol/bridge';
import type { CustomerCard } from '../../../protocol/kiosk';
import type { KioskSession, SessionAction } from './kiosk-session';
import { problemWords } from './problem-words';

/** "Link card just scanned": gives the pending unknown code to the customer whose card is open. */
export function useLinkScanned(
  bridge: AgentBridge,
  screenId: string,
  session: KioskSession,
  openCard: CustomerCard | null,
  dispatchSession: (action: SessionAction) => void,
) {
  const [linking, setLinking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const code = session.pendingCode?.code ?? null;
  // A new code, or another customer, starts without the last attempt's error.
  const [seen, setSeen] = useState({ code, profileId: openCard?.profileId });
  if (seen.code !== code || seen.profileId !== openCard?.profileId) {
    setSeen({ code, profileId: openCard?.profileId });
    setProblem(null);
  }

  const run = async (): Promise<void> => {
    if (!openCard || code === null || linking) return;
    setLinking(true);
    setProblem(null);
    try {
      const card = await bridge.request('kiosk.link', { screenId, profileId: openCard.profileId, link: { scannedCode: code } });
      dispatchSession({ type: 'card-replaced', card, linkedCode: code });
    } catch (error) {
      setProblem(problemWords(error));
    } finally {
      setLinking(false);
    }
  };
  return { linking, problem, run };
}

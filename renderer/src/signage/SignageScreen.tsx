import type { AgentBridge, ScreenSettings } from '../../../protocol/bridge';
import { useKeyboardWedge } from '../scanner/use-keyboard-wedge';
import { StatusOverlay } from '../status/StatusOverlay';
import { useStatusShortcut } from '../status/use-status-shortcut';
import { ContentLoop } from './ContentLoop';
import { FirstSyncStrip } from './FirstSyncStrip';
import { GreetingOverlay } from './GreetingOverlay';
import { useGreetingQueue } from './use-greeting-queue';
import { useScreenSettings } from './use-screen-settings';
import './signage.css';

export function SignageScreen({ bridge, screenId }: { bridge: AgentBridge; screenId: string }) {
  const { settings, problem } = useScreenSettings(bridge, screenId);
  // Ctrl+Shift+S: the technician's hidden status view. Nothing of it shows to shoppers otherwise.
  const statusView = useStatusShortcut();
  // While it is open the keys are the technician's: a pairing code typed quickly is not a loyalty card.
  useKeyboardWedge({ bridge, screenId, settings: statusView.open ? null : (settings?.scanner ?? null) });

  return (
    <main className="signage" data-screen-id={screenId}>
      {settings ? <SignagePlayer bridge={bridge} settings={settings} /> : <SignageStandby screenId={screenId} problem={problem} />}
      <FirstSyncStrip bridge={bridge} />
      {statusView.open && <StatusOverlay bridge={bridge} screenId={screenId} onClose={statusView.close} />}
    </main>
  );
}

function SignagePlayer({ bridge, settings }: { bridge: AgentBridge; settings: ScreenSettings }) {
  const greeting = useGreetingQueue(bridge, settings.screenId, settings.greetingDurationMs);
  return (
    <>
      <ContentLoop playlist={settings.playlist} paused={greeting !== null} />
      <GreetingOverlay greeting={greeting} />
    </>
  );
}

/** Before the agent has answered, a dark screen; if it cannot, a quiet line for whoever installs it. */
function SignageStandby({ screenId, problem }: { screenId: string; problem: string | null }) {
  return (
    <div className="signage-standby" data-testid="signage-standby">
      {problem && (
        <p className="signage-standby-problem">
          Screen “{screenId}” is waiting for the store agent: {problem}
        </p>
      )}
    </div>
  );
}

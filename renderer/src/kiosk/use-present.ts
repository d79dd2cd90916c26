import { useEffect, useState } from 'react';
import type { AgentBridge } from '../../../protocol/bridge';
import type { PresentCustomer } from '../../../protocol/kiosk';
import { presentList } from './present';
import { problemWords } from './problem-words';

/** Events keep the list live; this re-asks now and then, for events missed while the bridge reconnected. */
const REFRESH_MS = 30_000;

export interface PresentState {
  customers: PresentCustomer[];
  problem: string | null;
}

/** Who is at this screen's counter, newest first. */
export function usePresent(bridge: AgentBridge, screenId: string): PresentState {
  const [state, setState] = useState<PresentState>({ customers: [], problem: null });

  useEffect(() => {
    let stopped = false;
    // An event newer than a request's answer wins: the answer may have been overtaken on the way.
    let eventsSeen = 0;

    const load = (): void => {
      const eventsBefore = eventsSeen;
      bridge.request('kiosk.present', { screenId }).then(
        (result) => {
          const customers = presentList(result, null);
          if (stopped || eventsSeen !== eventsBefore || customers === null) return;
          setState({ customers, problem: null });
        },
        (error: unknown) => {
          if (!stopped) setState((previous) => ({ customers: previous.customers, problem: problemWords(error) }));
        },
      );
    };

    const unsubscribe = bridge.on('kiosk.present', (payload) => {
      const customers = presentList(payload, screenId);
      if (stopped || customers === null) return;
      eventsSeen++;
      setState({ customers, problem: null });
    });
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
    };
  }, [bridge, screenId]);

  return state;
}

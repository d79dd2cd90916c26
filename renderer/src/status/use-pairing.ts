import { useCallback, useEffect, useReducer } from 'react';
import type { AgentBridge } from '../../../protocol/bridge';
import { NO_ATTEMPT, pairingReducer, type PairingAttempt } from './pairing-attempt';
import { checkPairingCode } from './pairing-code';
import type { SyncReport } from './status-report';
import { takeTicket } from './use-status-poll';

/**
 * Sends a typed pairing code to the agent (`sync.pair`) and follows the attempt through the
 * polled status until head office has said yes (the link moves on) or no (the agent is back
 * to waiting for a code, with the reason in `lastError`).
 */
export function usePairing(
  bridge: AgentBridge,
  sync: SyncReport | null,
  ticket: number,
  refresh: () => void,
): { attempt: PairingAttempt; submit: (typed: string) => void } {
  const [attempt, dispatch] = useReducer(pairingReducer, NO_ATTEMPT);
  const state = sync?.state ?? null;
  const lastError = sync?.lastError ?? null;

  useEffect(() => {
    if (ticket > 0) dispatch({ type: 'status', ticket, state, lastError });
  }, [ticket, state, lastError]);

  const busy = attempt.phase !== 'idle';
  const submit = useCallback(
    (typed: string): void => {
      if (busy) return;
      const check = checkPairingCode(typed);
      if (!check.ok) {
        dispatch({ type: 'invalid', problem: check.problem });
        return;
      }
      dispatch({ type: 'send' });
      bridge.request('sync.pair', { code: check.code }).then(
        () => {
          dispatch({ type: 'accepted', after: takeTicket() });
          refresh();
        },
        (error: unknown) => dispatch({ type: 'refused', error }),
      );
    },
    [bridge, busy, refresh],
  );

  return { attempt, submit };
}

import { useCallback, useEffect, useRef, useState } from 'react';
import type { AgentBridge } from '../../../protocol/bridge';
import { problemWords } from '../kiosk/problem-words';

let lastTicket = 0;
/**
 * Tickets order what this screen asked and heard: a status carries the ticket taken when
 * it was asked for, so "a status asked for after X" is a plain comparison.
 */
export function takeTicket(): number {
  lastTicket += 1;
  return lastTicket;
}

export interface PolledStatus<T> {
  status: T | null;
  /** The latest poll failed: the agent is not answering. The last status is kept. */
  problem: string | null;
  /** Ticket of the request the status answered (or of the event's arrival); 0 before any. */
  ticket: number;
}

export interface StatusPollOptions {
  intervalMs: number;
  /** Off: no polling and no listening; what was last read is kept. */
  enabled?: boolean;
}

/**
 * The agent's status, read with `read` (null drops a payload it cannot read): asked every
 * `intervalMs` while enabled, and taken from `status` events in between. `refresh` asks
 * now (or right after a request still on its way). `read` must be a stable function (one
 * declared at module level): a new one each render would restart the polling.
 */
export function useStatusPoll<T>(
  bridge: AgentBridge,
  read: (payload: unknown) => T | null,
  { intervalMs, enabled = true }: StatusPollOptions,
): PolledStatus<T> & { refresh: () => void } {
  const [state, setState] = useState<PolledStatus<T>>({ status: null, problem: null, ticket: 0 });
  const pollRef = useRef<() => void>(() => {});

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let inFlight = false;
    let again = false;

    const accept = (payload: unknown, ticket: number): void => {
      const status = read(payload);
      if (stopped || status === null) return;
      setState((previous) => (ticket < previous.ticket ? previous : { status, problem: null, ticket }));
    };

    const poll = (): void => {
      // A poll still waiting (the agent is slow) is not doubled up, but one asked for meanwhile follows it.
      if (inFlight) {
        again = true;
        return;
      }
      inFlight = true;
      const ticket = takeTicket();
      const settle = (): void => {
        inFlight = false;
        if (again && !stopped) {
          again = false;
          poll();
        }
      };
      bridge.request('agent.status', {}).then(
        (result) => {
          accept(result, ticket);
          settle();
        },
        (error: unknown) => {
          if (!stopped) setState((previous) => ({ ...previous, problem: problemWords(error) }));
          settle();
        },
      );
    };

    pollRef.current = poll;
    const unsubscribe = bridge.on('status', (payload) => accept(payload, takeTicket()));
    poll();
    const timer = setInterval(poll, intervalMs);
    return () => {
      stopped = true;
      pollRef.current = () => {};
      unsubscribe();
      clearInterval(timer);
    };
  }, [bridge, read, intervalMs, enabled]);

  const refresh = useCallback(() => pollRef.current(), []);
  return { ...state, refresh };
}

import { useEffect, useState } from 'react';
import type { AgentBridge } from '../../../protocol/bridge';
import { problemWords } from './problem-words';
import { readStatusFacts, type StatusFacts } from './status-facts';

export const STATUS_POLL_MS = 5_000;

export interface AgentStatusState {
  status: StatusFacts | null;
  /** The latest poll failed: the agent is not answering. */
  problem: string | null;
}

/** The agent's health for the status bar: polled, and pushed by `status` events between polls. */
export function useAgentStatus(bridge: AgentBridge): AgentStatusState {
  const [state, setState] = useState<AgentStatusState>({ status: null, problem: null });

  useEffect(() => {
    let stopped = false;
    let inFlight = false;

    const accept = (payload: unknown): void => {
      const facts = readStatusFacts(payload);
      if (!stopped && facts) setState({ status: facts, problem: null });
    };

    const poll = (): void => {
      // A poll still waiting (the agent is slow) is not doubled up.
      if (inFlight) return;
      inFlight = true;
      bridge.request('agent.status', {}).then(
        (result) => {
          inFlight = false;
          accept(result);
        },
        (error: unknown) => {
          inFlight = false;
          if (!stopped) setState((previous) => ({ status: previous.status, problem: problemWords(error) }));
        },
      );
    };

    const unsubscribe = bridge.on('status', accept);
    poll();
    const timer = setInterval(poll, STATUS_POLL_MS);
    return () => {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
    };
  }, [bridge]);

  return state;
}

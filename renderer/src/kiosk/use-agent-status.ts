import type { AgentBridge } from '../../../protocol/bridge';
import { useStatusPoll } from '../status/use-status-poll';
import { readStatusFacts, type StatusFacts } from './status-facts';

export const STATUS_POLL_MS = 5_000;

export interface AgentStatusState {
  status: StatusFacts | null;
  /** The latest poll failed: the agent is not answering. */
  problem: string | null;
}

/** The agent's health for the status bar: polled, and pushed by `status` events between polls. */
export function useAgentStatus(bridge: AgentBridge): AgentStatusState {
  const { status, problem } = useStatusPoll(bridge, readStatusFacts, { intervalMs: STATUS_POLL_MS });
  return { status, problem };
}

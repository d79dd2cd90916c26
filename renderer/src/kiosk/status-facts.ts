import type { AgentStatus } from '../../../protocol/bridge';

export type SyncState = AgentStatus['sync']['state'];

/** The part of the agent's status the till shows. */
export interface StatusFacts {
  /** The store's own broker: beacons and scanners reach the agent through it. */
  brokerConnected: boolean;
  outboxPending: number;
  /** The head-office link, when the agent reports one. */
  sync: SyncState | null;
}

const SYNC_STATES: ReadonlySet<string> = new Set<SyncState>(['not-configured', 'pairing', 'connecting', 'online', 'offline', 'revoked', 'unpaired']);

/**
 * Reads a status answer or event. Deliberately looser than the full schema: the status
 * bar needs three facts, and an agent one version older or newer than this screen still
 * gets them shown rather than the bar sticking at "connecting".
 */
export function readStatusFacts(payload: unknown): StatusFacts | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  const broker = p.broker as Record<string, unknown> | null | undefined;
  if (typeof broker !== 'object' || broker === null || typeof broker.connected !== 'boolean') return null;
  if (typeof p.outboxPending !== 'number' || !Number.isFinite(p.outboxPending)) return null;
  const syncState = (p.sync as Record<string, unknown> | null | undefined)?.state;
  return {
    brokerConnected: broker.connected,
    outboxPending: Math.max(0, Math.floor(p.outboxPending)),
    sync: typeof syncState === 'string' && SYNC_STATES.has(syncState) ? (syncState as SyncState) : null,
  };
}

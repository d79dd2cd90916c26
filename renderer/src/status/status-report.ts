import type { AgentStatus } from '../../../protocol/bridge';

export type SyncState = AgentStatus['sync']['state'];

const SYNC_STATES: ReadonlySet<string> = new Set<SyncState>(['not-configured', 'pairing', 'connecting', 'online', 'offline', 'revoked', 'unpaired']);

export interface SyncReport {
  /** The raw state as the agent said it; null when it said none. An unknown word is kept as it is, for the technician to read. */
  state: string | null;
  lastSyncAt: string | null;
  cursor: number | null;
  remaining: number | null;
  lastError: string | null;
}

export interface RejectedCount {
  reason: string;
  count: number;
}

/** Everything the technician's status view shows; null where the agent did not report it. */
export interface StatusReport {
  storeId: string | null;
  deviceId: string | null;
  startedAt: string | null;
  broker: { url: string | null; connected: boolean | null; embedded: boolean | null; messagesReceived: number | null } | null;
  profiles: number | null;
  outboxPending: number | null;
  sync: SyncReport;
  /** Largest count first; reasons with no rejection left out. */
  rejected: RejectedCount[];
}

type Loose = Record<string, unknown>;

const asObject = (value: unknown): Loose | null => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : null);
const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const asBoolean = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const asCount = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? Math.max(0, Math.floor(value)) : null);

export function isKnownSyncState(state: string | null): state is SyncState {
  return state !== null && SYNC_STATES.has(state);
}

function readRejected(value: unknown): RejectedCount[] {
  const counts = asObject(value);
  if (!counts) return [];
  const rows: RejectedCount[] = [];
  for (const [reason, raw] of Object.entries(counts)) {
    const count = asCount(raw);
    if (count !== null && count > 0) rows.push({ reason, count });
  }
  return rows.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/**
 * Reads a status answer or event. Loose on purpose, like the kiosk's: an agent one version
 * older or newer than this screen still gets every fact it does report shown, and a missing
 * one reads "not reported" instead of blanking the whole view.
 */
export function readStatusReport(payload: unknown): StatusReport | null {
  const p = asObject(payload);
  if (!p) return null;
  const broker = asObject(p.broker);
  const sync = asObject(p.sync);
  return {
    storeId: asString(p.storeId),
    deviceId: asString(p.deviceId),
    startedAt: asString(p.startedAt),
    broker: broker && {
      url: asString(broker.url),
      connected: asBoolean(broker.connected),
      embedded: asBoolean(broker.embedded),
      messagesReceived: asCount(broker.messagesReceived),
    },
    profiles: asCount(p.profiles),
    outboxPending: asCount(p.outboxPending),
    sync: {
      state: asString(sync?.state),
      lastSyncAt: asString(sync?.lastSyncAt),
      cursor: asCount(sync?.cursor),
      remaining: asCount(sync?.remaining),
      lastError: asString(sync?.lastError),
    },
    rejected: readRejected(p.rejected),
  };
}

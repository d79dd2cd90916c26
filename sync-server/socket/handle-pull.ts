/**
 * `sync.pull`: the device's store's changes (and the all-stores ones) after its cursor.
 * The store comes from the credential, so no request can read another store's changes.
 */
import { pullRequestSchema, type Change, type PullResponse, type SyncError } from '../../protocol/sync';
import type { ChangeRecord } from '../storage/sync-storage';
import type { SyncContext } from '../sync-context';
import type { DeviceSocket } from './device-socket';
import { invalid } from './safe-handler';

export async function handlePull(context: SyncContext, socket: DeviceSocket, payload: unknown): Promise<PullResponse | SyncError> {
  const parsed = pullRequestSchema.safeParse(payload);
  if (!parsed.success) return invalid(context, `invalid sync.pull: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`);
  const { cursor, limit, collection } = parsed.data;
  const { deviceId, storeId } = socket.data;
  const at = new Date(context.config.now()).toISOString();
  // Rows and count in one transaction, so `remaining` describes the rows returned.
  const response = await context.storage.transaction(async (tx): Promise<PullResponse> => {
    const query = { storeId, after: cursor, ...(collection ? { collection } : {}) };
    const rows = await tx.changesSince(query, limit);
    const next = rows.at(-1)?.version ?? cursor;
    const remaining = await tx.countChangesSince({ ...query, after: next });
    // A full pull's cursor is what the device has applied: its lag. A one-collection
    // re-download says nothing about that.
    if (!collection && socket.data.recordedCursor !== cursor) {
      await tx.recordDeviceCursor(deviceId, cursor, at);
      socket.data.recordedCursor = cursor;
    }
    return { changes: rows.map(toProtocolChange), cursor: next, hasMore: remaining > 0, remaining };
  });
  context.metrics.pullsServed += 1;
  return response;
}

function toProtocolChange(row: ChangeRecord): Change {
  return row.op === 'delete'
    ? { version: row.version, collection: row.collection, key: row.key, op: 'delete' }
    : { version: row.version, collection: row.collection, key: row.key, op: 'upsert', data: row.data };
}

/**
 * `sync.pull`: the device's store's changes (and the all-stores ones) after its cursor.
 * The store comes from the credential, so no request can read another store's changes; one
 * that names a store is refused.
 */
import { pullRequestSchema, type PullResponse, type SyncError } from '../../protocol/sync';
import type { ChangeQuery, StorageOps } from '../storage/sync-storage';
import { encodeChanges } from '../changes/encode-changes';
import type { SyncContext } from '../sync-context';
import type { DeviceSocket, PullProgress } from './device-socket';
import { invalid, refuseNamedStore } from './safe-handler';

export async function handlePull(context: SyncContext, socket: DeviceSocket, payload: unknown): Promise<PullResponse | SyncError> {
  const named = refuseNamedStore(context, payload);
  if (named) return named;
  const parsed = pullRequestSchema.safeParse(payload);
  if (!parsed.success) return invalid(context, `invalid sync.pull: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; ')}`);
  const { cursor, limit, collection } = parsed.data;
  const { deviceId, storeId } = socket.data;
  const response = await context.storage.transaction(async (tx): Promise<PullResponse> => {
    const query: ChangeQuery = { storeId, after: cursor, ...(collection ? { collection } : {}) };
    // One row more than asked says whether there is more, without counting.
    const rows = await tx.changesSince(query, limit + 1);
    const hasMore = rows.length > limit;
    if (hasMore) rows.pop();
    const next = rows.at(-1)?.version ?? cursor;
    const progress = hasMore ? await estimateRemaining(tx, socket.data.pullProgress, query, next, rows.length) : null;
    socket.data.pullProgress = progress;
    return { changesJson: encodeChanges(rows), cursor: next, hasMore, remaining: progress?.remaining ?? 0 };
  });
  // A full pull's cursor is what the device has applied: its lag. A one-collection
  // re-download says nothing about that.
  if (!collection) context.cursors.note(deviceId, cursor, new Date(context.config.now()).toISOString());
  context.metrics.pullsServed += 1;
  return response;
}

/**
 * What is left after `next`. Counting it exactly on every page would read the rest of a
 * million-row snapshot once per page (quadratic), so it is counted once per pass and then
 * carried forward: minus the rows just sent, plus rows written since the count. A row
 * rewritten meanwhile inside the range is counted twice, so this can only overestimate,
 * and the last page says 0.
 */
async function estimateRemaining(tx: StorageOps, previous: PullProgress | null, query: ChangeQuery, next: number, sent: number): Promise<PullProgress> {
  const collection = query.collection ?? null;
  if (previous && previous.after === query.after && previous.collection === collection) {
    const countedTo = await tx.maxVersion();
    const written = countedTo > previous.countedTo ? await tx.countChangesSince({ ...query, after: previous.countedTo }) : 0;
    return { collection, after: next, remaining: Math.max(1, previous.remaining - sent + written), countedTo };
  }
  const countedTo = await tx.maxVersion();
  return { collection, after: next, remaining: await tx.countChangesSince({ ...query, after: next }), countedTo };
}

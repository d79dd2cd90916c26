/**
 * Stores an upload and applies it to the profiles: each messageId once (a replay is
 * acknowledged again and counted as a duplicate), then the profile changes and their
 * change rows. Uploads from all devices are group-committed (group-commit.ts): the answer
 * is returned only after the commit of the transaction the upload ran in, which with
 * synchronous=FULL means on disk, and the affected stores are poked after it too.
 */
import type { UploadResponse } from '../../protocol/sync';
import type { ChangeRecorder } from '../changes/change-recorder';
import { ProfileWork } from '../profiles/profile-work';
import type { StorageOps, StoredEvent } from '../storage/sync-storage';
import type { SyncContext } from '../sync-context';
import { GroupCommit } from './group-commit';
import { checkUpload, type AcceptedEvent, type DeviceIdentity } from './upload-batch';

export type IngestOutcome = { ok: true; response: UploadResponse; stored: number; duplicates: number } | { ok: false; error: string };

/**
 * Events per group transaction, at most (a single upload may be MAX_UPLOAD_BATCH). Larger
 * groups write fewer bytes per event (each transaction rewrites the random index pages it
 * touches), but hold the connection, and every device's answer, for longer.
 */
export const MAX_GROUP_EVENTS = 20_000;

/** The server's one group commit for uploads. */
export function uploadGroupCommit(context: Pick<SyncContext, 'storage' | 'poke' | 'log' | 'metrics'>): GroupCommit {
  return new GroupCommit(context, { maxWeight: MAX_GROUP_EVENTS, onCommitted: () => (context.metrics.uploadCommits += 1) });
}

interface StoredUpload {
  stored: number;
  duplicates: number;
  identifierConflicts: number;
}

export async function ingestUpload(context: SyncContext, device: DeviceIdentity, request: unknown): Promise<IngestOutcome> {
  const { metrics, log } = context;
  const receivedAt = new Date(context.config.now());
  const checked = checkUpload(request, device, receivedAt);
  if (!checked.ok) return checked;
  const { stored, duplicates, identifierConflicts } = await context.uploads.submit(
    (tx, changes) => storeUpload(context, device, checked.accepted, receivedAt, tx, changes),
    checked.accepted.length,
  );
  // Counted only now: the work may have run in a group that failed and ran again alone.
  metrics.eventsReceived += stored;
  metrics.duplicatesDropped += duplicates;
  metrics.eventsRejected += checked.rejected.length;
  metrics.identifierConflicts += identifierConflicts;
  if (checked.rejected.length) {
    log.warn({ deviceId: device.deviceId, rejected: checked.rejected.length, first: checked.rejected[0] }, 'uploaded events rejected');
  }
  log.debug({ deviceId: device.deviceId, stored, duplicates }, 'upload stored');
  // Every accepted event is stored now or was before: all of them are acked, in upload order.
  const acked = [...new Set(checked.accepted.map(({ event }) => event.messageId))];
  return { ok: true, response: { acked, rejected: checked.rejected }, stored, duplicates };
}

/** One upload's share of a group transaction. */
async function storeUpload(
  context: SyncContext,
  device: DeviceIdentity,
  accepted: readonly AcceptedEvent[],
  receivedAt: Date,
  tx: StorageOps,
  changes: ChangeRecorder,
): Promise<StoredUpload> {
  const at = receivedAt.toISOString();
  // An event about an erased person is kept as a bare messageId (so a replay is still
  // recognised) with nothing personal in it, and changes no profile.
  const erasedUsers = new Map<string, boolean>();
  const erased: boolean[] = [];
  const rows: StoredEvent[] = [];
  for (const { seq, event, timestamp } of accepted) {
    let gone = false;
    if (event.userId !== undefined) {
      gone = erasedUsers.get(event.userId) ?? (await tx.isErased(event.userId));
      erasedUsers.set(event.userId, gone);
    }
    erased.push(gone);
    rows.push({
      messageId: event.messageId,
      deviceId: device.deviceId,
      storeId: device.storeId,
      seq,
      event: event.event,
      userId: gone ? null : (event.userId ?? null),
      anonymousId: gone ? null : (event.anonymousId ?? null),
      originalTimestamp: event.originalTimestamp,
      sentAt: event.sentAt,
      receivedAt: at,
      timestamp: timestamp.toISOString(),
      payload: gone ? null : event,
    });
  }
  const inserted = await tx.insertEvents(rows);

  let identifierConflicts = 0;
  const work = new ProfileWork({
    tx,
    changes,
    hlc: context.hlc,
    scope: context.config.scope,
    now: receivedAt,
    log: context.log,
    onIdentifierConflict: () => (identifierConflicts += 1),
  });
  let stored = 0;
  for (let i = 0; i < accepted.length; i++) {
    if (!inserted[i]) continue;
    stored += 1;
    if (erased[i]) continue;
    const { seq, event, timestamp, fact } = accepted[i]!;
    await work.applyEvent({
      messageId: event.messageId, deviceId: device.deviceId, storeId: device.storeId, seq,
      userId: event.userId ?? null, timestamp, fact,
    });
  }
  await work.finish();
  await tx.addEventsReceived(device.deviceId, stored, at);
  return { stored, duplicates: accepted.length - stored, identifierConflicts };
}

/**
 * Stores an upload and applies it to the profiles, in one transaction: each messageId
 * once (a replay is acknowledged again and counted as a duplicate), then the profile
 * changes and their change rows. The answer is returned only after the commit, which with
 * synchronous=FULL means on disk, and the affected stores are poked after it too.
 */
import type { UploadResponse } from '../../protocol/sync';
import { withProfileWork } from '../profiles/with-profile-work';
import type { SyncContext } from '../sync-context';
import { checkUpload, type DeviceIdentity } from './upload-batch';

export type IngestOutcome = { ok: true; response: UploadResponse; stored: number; duplicates: number } | { ok: false; error: string };

export async function ingestUpload(context: SyncContext, device: DeviceIdentity, request: unknown): Promise<IngestOutcome> {
  const { metrics, log } = context;
  const receivedAt = new Date(context.config.now());
  const checked = checkUpload(request, device, receivedAt);
  if (!checked.ok) return checked;
  const acked = new Set<string>();
  const { stored, duplicates } = await withProfileWork(
    context,
    async (work, tx) => {
      let stored = 0;
      let duplicates = 0;
      for (const { seq, event, timestamp, fact } of checked.accepted) {
        // An event about an erased person is kept as a bare messageId (so a replay is still
        // recognised) with nothing personal in it, and changes no profile.
        const erased = event.userId !== undefined && (await tx.isErased(event.userId));
        const inserted = await tx.insertEvent({
          messageId: event.messageId,
          deviceId: device.deviceId,
          storeId: device.storeId,
          seq,
          event: event.event,
          userId: erased ? null : (event.userId ?? null),
          anonymousId: erased ? null : (event.anonymousId ?? null),
          originalTimestamp: event.originalTimestamp,
          sentAt: event.sentAt,
          receivedAt: receivedAt.toISOString(),
          timestamp: timestamp.toISOString(),
          payload: erased ? null : event,
        });
        acked.add(event.messageId);
        if (!inserted) {
          duplicates += 1;
          continue;
        }
        stored += 1;
        if (erased) continue;
        await work.applyEvent({
          messageId: event.messageId, deviceId: device.deviceId, storeId: device.storeId, seq,
          userId: event.userId ?? null, timestamp, fact,
        });
      }
      await tx.addEventsReceived(device.deviceId, stored, receivedAt.toISOString());
      return { stored, duplicates };
    },
    receivedAt,
  );
  metrics.eventsReceived += stored;
  metrics.duplicatesDropped += duplicates;
  metrics.eventsRejected += checked.rejected.length;
  if (checked.rejected.length) {
    log.warn({ deviceId: device.deviceId, rejected: checked.rejected.length, first: checked.rejected[0] }, 'uploaded events rejected');
  }
  log.debug({ deviceId: device.deviceId, stored, duplicates }, 'upload stored');
  return { ok: true, response: { acked: [...acked], rejected: checked.rejected }, stored, duplicates };
}

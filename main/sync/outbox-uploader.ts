/**
 * Uploads the outbox in batches and marks events sent only after head office acknowledged
 * them as durably stored. A crash between upload and mark just uploads them again; the
 * server deduplicates on messageId, so the effect is exactly once.
 */
import type { Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, UploadResponse, SyncError } from '../../protocol/sync';
import type { Outbox } from '../outbox/outbox';

export type DeviceSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class SyncRequestError extends Error {}

export async function uploadOutbox(socket: DeviceSocket, outbox: Outbox, batchSize: number, timeoutMs = 30_000): Promise<number> {
  let uploaded = 0;
  let after = 0;
  for (;;) {
    const rows = outbox.readPending(after, batchSize);
    if (rows.length === 0) return uploaded;
    const sentAt = new Date().toISOString();
    const events = rows.map((row) => ({ seq: row.seq, event: { ...row.event, sentAt } }));
    const response = (await socket.timeout(timeoutMs).emitWithAck('outbox.upload', { events })) as UploadResponse | SyncError;
    if ('error' in response) throw new SyncRequestError(`upload refused: ${response.error}`);
    outbox.settle(
      response.acked,
      response.rejected.flatMap((r) => (r.messageId ? [{ messageId: r.messageId, reason: r.reason }] : [])),
    );
    uploaded += response.acked.length;
    // Whatever the server neither acked nor rejected stays pending; move past it so one bad row cannot stall the rest.
    after = rows.at(-1)!.seq;
  }
}

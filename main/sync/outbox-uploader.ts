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

interface InFlight {
  lastSeq: number;
  response: Promise<UploadResponse | SyncError>;
}

/**
 * Two batches in flight: the next one is on the wire while head office stores the one
 * before, so it is never idle waiting for this store to read and send. Acks may settle in
 * either order; each batch settles only its own events.
 */
export async function uploadOutbox(socket: DeviceSocket, outbox: Outbox, batchSize: number, timeoutMs = 30_000): Promise<number> {
  const send = (after: number): InFlight | undefined => {
    const rows = outbox.readPending(after, batchSize);
    if (rows.length === 0) return undefined;
    // socket.io-client would hold it until the timeout; the events stay pending for the next pass.
    if (!socket.connected) throw new SyncRequestError('head office link down');
    const sentAt = new Date().toISOString();
    const events = rows.map((row) => ({ seq: row.seq, event: { ...row.event, sentAt } }));
    const response = socket.timeout(timeoutMs).emitWithAck('outbox.upload', { events }) as Promise<UploadResponse | SyncError>;
    // Awaited in turn, or never if an earlier batch fails first: not an unhandled rejection.
    response.catch(() => undefined);
    return { lastSeq: rows.at(-1)!.seq, response };
  };
  let uploaded = 0;
  let current = send(0);
  while (current) {
    // Whatever the server neither acks nor rejects stays pending; reading on past it means one bad row cannot stall the rest.
    const following = send(current.lastSeq);
    const response = await current.response;
    if ('error' in response) throw new SyncRequestError(`upload refused: ${response.error}`);
    outbox.settle(
      response.acked,
      response.rejected.flatMap((r) => (r.messageId ? [{ messageId: r.messageId, reason: r.reason }] : [])),
    );
    uploaded += response.acked.length;
    current = following;
  }
  return uploaded;
}

/** `outbox.upload`: a batch of the device's events, acknowledged once durably stored. */
import type { SyncError, UploadResponse } from '../../protocol/sync';
import { ingestUpload } from '../events/ingest-upload';
import type { SyncContext } from '../sync-context';
import type { DeviceSocket } from './device-socket';
import { invalid } from './safe-handler';

export async function handleUpload(context: SyncContext, socket: DeviceSocket, payload: unknown): Promise<UploadResponse | SyncError> {
  if (context.isClosing()) return { error: 'the server is shutting down; upload again after reconnecting' };
  const { deviceId, storeId } = socket.data;
  try {
    const outcome = await ingestUpload(context, { deviceId, storeId }, payload);
    if (!outcome.ok) return invalid(context, outcome.error);
    return outcome.response;
  } catch (error) {
    // Nothing was committed, so nothing is acked: the device keeps the batch and retries.
    context.metrics.uploadFailures += 1;
    context.log.error({ err: error, deviceId }, 'upload could not be stored');
    return { error: 'the upload could not be stored; retry later' };
  }
}

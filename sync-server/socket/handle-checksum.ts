/** `sync.checksum`: count and version sum of the live keys of one collection, as this store sees it. */
import { checksumRequestSchema, type CollectionChecksum, type SyncError } from '../../protocol/sync';
import type { SyncContext } from '../sync-context';
import type { DeviceSocket } from './device-socket';
import { invalid, refuseNamedStore } from './safe-handler';

export async function handleChecksum(context: SyncContext, socket: DeviceSocket, payload: unknown): Promise<CollectionChecksum | SyncError> {
  const named = refuseNamedStore(context, payload);
  if (named) return named;
  const parsed = checksumRequestSchema.safeParse(payload);
  if (!parsed.success) return invalid(context, 'invalid sync.checksum: collection must be one of profiles, rules, playlists, catalogue');
  const { collection } = parsed.data;
  const sum = await context.storage.checksum(socket.data.storeId, collection);
  return { collection, ...sum };
}

/** Sends `sync.poke` to the stores whose changes just committed: a hint to pull, never the data. */
import { ALL_STORES } from '../storage/sync-storage';
import { storeRoom, type DeviceNamespace } from '../socket/device-socket';
import type { Pokes } from './change-recorder';

export function pokeStores(namespace: DeviceNamespace, pokes: Pokes): void {
  for (const [storeId, version] of pokes) {
    if (storeId === ALL_STORES) namespace.emit('sync.poke', { version });
    else namespace.to(storeRoom(storeId)).emit('sync.poke', { version });
  }
}

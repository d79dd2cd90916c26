/**
 * Opens head office's SQLite file with the store's durability rules (WAL, synchronous=FULL:
 * an upload is acknowledged only once it survives power loss), then migrates.
 */
import { openDatabase, type Db } from '../../main/store/database';
import { MIGRATIONS } from './migrations/index';

export type { Db };

export function openSyncDatabase(file: string): Db {
  // Head office holds every store's data: a larger page cache than a store agent's.
  return openDatabase(file, MIGRATIONS, { cacheKiB: 65536, owner: 'server' });
}

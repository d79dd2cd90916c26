/**
 * Opens head office's SQLite file with the store's durability rules (WAL, synchronous=FULL:
 * an upload is acknowledged only once it survives power loss), then migrates.
 */
import { openDatabase, type Db } from '../../main/store/database';
import { MIGRATIONS } from './migrations/index';

export type { Db };

/**
 * SQLite checkpoints (copies the WAL into the database file and fsyncs it) once the WAL
 * passes this many pages; its default, 1,000 (4 MB), is less than one group of uploads
 * writes (events/group-commit.ts), so every commit would also checkpoint. At ~120 MB, a
 * page rewritten by several commits (the random messageId index) is copied once per
 * checkpoint instead of once per commit. Durability is the same: each commit still
 * fsyncs the WAL.
 */
const WAL_AUTOCHECKPOINT_PAGES = 30_000;

export function openSyncDatabase(file: string): Db {
  // Head office holds every store's data: a larger page cache than a store agent's.
  const db = openDatabase(file, MIGRATIONS, { cacheKiB: 65536, owner: 'server' });
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  return db;
}

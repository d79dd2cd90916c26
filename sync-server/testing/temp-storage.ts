/** For unit tests: SyncStorage over a real SQLite file in a fresh temp directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStorage } from '../storage/sqlite-storage';
import type { SyncStorage } from '../storage/sync-storage';

export interface TempStorage {
  storage: SyncStorage;
  file: string;
  cleanup(): Promise<void>;
}

export function openTempStorage(): TempStorage {
  const dir = mkdtempSync(join(tmpdir(), 'sync-storage-'));
  const file = join(dir, 'sync.sqlite');
  const storage = openSqliteStorage(file);
  return {
    storage,
    file,
    async cleanup() {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

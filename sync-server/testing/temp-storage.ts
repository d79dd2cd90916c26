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
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  let storage: SyncStorage;
  try {
    storage = openSqliteStorage(file);
  } catch (error) {
    remove();
    throw error;
  }
  return {
    storage,
    file,
    async cleanup() {
      try {
        await storage.close();
      } finally {
        remove();
      }
    },
  };
}

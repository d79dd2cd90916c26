/**
 * Opens the store's SQLite file: WAL for readers beside one writer and durability on
 * power loss (synchronous=FULL: the outbox must survive a hard kill), then migrates.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations/index';

export type Db = Database.Database;

export interface OpenOptions {
  /** Page cache cap in KiB. */
  cacheKiB?: number;
  /** Who reads the file, for the "newer schema" error: "agent", "server". */
  owner?: string;
}

/** Also head office's: the same durability rules hold for its event store. */
export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS, options: OpenOptions = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // 1,000,000 profiles must fit the agent's 200 MB: cap the page cache at 16 MiB by default.
  db.pragma(`cache_size = -${options.cacheKiB ?? 16384}`);
  migrate(db, migrations, options.owner);
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies each migration above the file's user_version in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS, owner = 'agent'): number[] {
  const applied: number[] = [];
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(`database schema ${current} is newer than this ${owner} knows (${latest}): upgrade the ${owner}`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}

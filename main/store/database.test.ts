import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase, schemaVersion, type Db } from './database';
import { MIGRATIONS } from './migrations/index';

const ALL_TABLES = [
  'device_credential', 'greeting_ledger', 'identifiers', 'outbox', 'phone_tails', 'products', 'profile_names', 'profiles',
  'purchases', 'sync_cursor', 'sync_rows', 'synced_documents', 'visits',
];

function tables(db: Db): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'profile_names_%' ORDER BY name")
    .all()
    .map((r) => r.name);
}

describe('openDatabase / migrate', () => {
  let dir: string;
  const open: Db[] = [];
  const track = (db: Db): Db => {
    open.push(db);
    return db;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-db-'));
  });
  afterEach(() => {
    for (const db of open.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the migration list is numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('brings a fresh file to the latest user_version with every table', () => {
    const file = join(dir, 'nested', 'deeper', 'store.db');
    const db = track(openDatabase(file));
    expect(existsSync(file)).toBe(true); // parent folders were created
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(tables(db)).toEqual(ALL_TABLES);
  });

  it('re-opening an up-to-date file applies nothing and keeps its data', () => {
    const file = join(dir, 'store.db');
    const first = openDatabase(file);
    first.prepare("INSERT INTO visits (id, subject, started_at, last_seen_at) VALUES ('v1', 's', 'a', 'b')").run();
    first.close();

    const raw = track(new Database(file));
    expect(migrate(raw)).toEqual([]);
    raw.close();

    const again = track(openDatabase(file));
    expect(schemaVersion(again)).toBe(MIGRATIONS.at(-1)!.version);
    expect(again.prepare('SELECT count(*) AS n FROM visits').get()).toEqual({ n: 1 });
  });

  it('refuses a file whose schema is newer than the code', () => {
    const file = join(dir, 'store.db');
    openDatabase(file).close();
    expect(() => track(openDatabase(file, MIGRATIONS.slice(0, 3)))).toThrow(
      `database schema ${MIGRATIONS.at(-1)!.version} is newer than this agent knows (3): upgrade the agent`,
    );

    const raw = track(new Database(file));
    raw.pragma('user_version = 99');
    expect(() => migrate(raw)).toThrow(new RegExp(`schema 99 is newer than this agent knows \\(${MIGRATIONS.at(-1)!.version}\\)`));
  });

  it('brings a partially migrated file (1–2 applied) up to date', () => {
    const file = join(dir, 'store.db');
    const partial = openDatabase(file, MIGRATIONS.slice(0, 2));
    expect(schemaVersion(partial)).toBe(2);
    expect(tables(partial)).toEqual(['identifiers', 'profiles']);
    partial
      .prepare("INSERT INTO profiles (id, first_name, updated_at) VALUES ('p1', 'Ann', '2026-01-01T00:00:00.000Z')")
      .run();
    partial.close();

    const raw = track(new Database(file));
    expect(migrate(raw)).toEqual(MIGRATIONS.slice(2).map((m) => m.version));
    expect(schemaVersion(raw)).toBe(MIGRATIONS.at(-1)!.version);
    expect(tables(raw)).toEqual(ALL_TABLES);
    expect(raw.prepare('SELECT first_name FROM profiles').get()).toEqual({ first_name: 'Ann' });
    raw.close();

    // and openDatabase does the same on a second partial file
    const file2 = join(dir, 'store2.db');
    openDatabase(file2, MIGRATIONS.slice(0, 2)).close();
    const db2 = track(openDatabase(file2));
    expect(schemaVersion(db2)).toBe(MIGRATIONS.at(-1)!.version);
    expect(tables(db2)).toEqual(ALL_TABLES);
  });

  it('a failing migration rolls back its own changes and its version', () => {
    const file = join(dir, 'store.db');
    const broken = [
      ...MIGRATIONS.slice(0, 1),
      { version: 2, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); CREATE TABLE oops (' },
    ];
    expect(() => track(openDatabase(file, broken))).toThrow();
    const raw = track(new Database(file));
    expect(schemaVersion(raw)).toBe(1);
    expect(tables(raw)).toEqual(['profiles']);
  });

  it('turns on WAL, synchronous=FULL and foreign keys', () => {
    const db = track(openDatabase(join(dir, 'store.db')));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // foreign keys are enforced: an identifier for a profile that does not exist is refused
    expect(() => db.prepare("INSERT INTO identifiers (kind, value, profile_id) VALUES ('loyalty', 'x', 'nobody')").run()).toThrow(
      /FOREIGN KEY/,
    );
  });

  it('tables are STRICT: a wrongly typed value is refused', () => {
    const db = track(openDatabase(join(dir, 'store.db')));
    expect(() =>
      db.prepare("INSERT INTO profiles (id, first_name, points, updated_at) VALUES ('p', 'A', 'lots', 'now')").run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
  });
});

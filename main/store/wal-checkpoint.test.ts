/**
 * WalCheckpointer with the agent's real worker thread (started from source through
 * source-worker.mjs, as `npm run agent` starts it) on real SQLite files.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from './database';
import { WalCheckpointer } from './wal-checkpoint';
import { createLogger } from '../log/logger';
import { tempDirs } from '../../test/helpers/temp-dirs';

const WORKER = new URL('./wal-checkpoint-worker.ts', import.meta.url);
const log = createLogger('test', 'silent');
const dirs = tempDirs();

/** Rows written by another connection that does not checkpoint, as a store file install leaves them. */
function fillWal(file: string, rows: number): void {
  const other = new Database(file);
  other.pragma('wal_autocheckpoint = 0');
  const insert = other.prepare('INSERT INTO visits (id, subject, started_at, last_seen_at) VALUES (?, ?, ?, ?)');
  other.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(`v-${i}`, `beacon-${i % 97}`, '2026-11-30T10:00:00Z', '2026-11-30T10:05:00Z');
  })();
  other.close();
}

function visits(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM visits').get() as { n: number }).n;
}

describe('WalCheckpointer', () => {
  let db: Db;
  let wal: string;

  beforeEach(() => {
    const file = join(dirs.make('soo-wal-checkpoint-'), 'store.db');
    db = openDatabase(file);
    wal = `${file}-wal`;
  });

  afterEach(() => {
    if (db.open) db.close();
    dirs.removeAll();
  });

  it('writes every frame home on the worker, empties the WAL, and sets the auto-checkpoint back; the agent writes meanwhile', async () => {
    db.pragma('wal_autocheckpoint = 777');
    fillWal(db.name, 60_000);
    expect(statSync(wal).size).toBeGreaterThan(1000 * 4096);

    const checkpointer = new WalCheckpointer(db, WORKER, log);
    const home = checkpointer.start();
    // Off while the worker copies: a commit here must not start the same copy on this thread.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    db.prepare("INSERT INTO visits (id, subject, started_at, last_seen_at) VALUES ('v-live', 's', 'a', 'b')").run();
    // A second start joins the run under way.
    expect(checkpointer.start()).toBe(home);
    const outcome = await home;

    expect(outcome).toMatchObject({ truncated: true });
    if ('error' in outcome) throw new Error(outcome.error);
    expect(outcome.frames).toBeGreaterThan(1000);
    expect(outcome.copied).toBe(outcome.frames);
    expect(statSync(wal).size).toBe(0);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(777);
    expect(checkpointer.latest()).toBe(home);
    // Everything is in the database file itself now: a reader that ignores the WAL sees it.
    db.close();
    const reader = new Database(db.name, { readonly: true });
    expect(visits(reader)).toBe(60_001);
    expect(reader.pragma('integrity_check', { simple: true })).toBe('ok');
    reader.close();
  });

  it('at start, takes a WAL left big by a stop or a crash, and only a big one', async () => {
    fillWal(db.name, 2_000);
    const small = new WalCheckpointer(db, WORKER, log, 100 * 2 ** 20);
    small.startIfLarge();
    expect(small.latest()).toBeUndefined();

    const large = new WalCheckpointer(db, WORKER, log, 64 * 1024);
    large.startIfLarge();
    expect(await large.latest()).toMatchObject({ truncated: true, frames: expect.any(Number) });
    expect(statSync(wal).size).toBe(0);
    expect(visits(db)).toBe(2_000);
  });

  it('a worker that cannot start leaves the WAL to the agent, with its auto-checkpoint set back', async () => {
    db.pragma('wal_autocheckpoint = 500');
    fillWal(db.name, 100);
    const outcome = await new WalCheckpointer(db, new URL('./no-such-worker.js', import.meta.url), log).start();
    expect(outcome).toEqual({ error: expect.stringMatching(/checkpoint worker/) });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(500);
    expect(visits(db)).toBe(100);
  });
});

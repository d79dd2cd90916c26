/**
 * Takes head office's store file (protocol/sync.ts, STORE_FILE_PATH) into a fresh store.
 *
 * The file is an agent database built by the agent's own migrations and ChangeApplier, so
 * its synced tables have exactly this store's schema. They are copied whole, in one
 * transaction, each by `INSERT INTO main.t SELECT * FROM seed.t` into an empty table:
 * SQLite's transfer optimisation then copies records and index entries as they are, with
 * no JavaScript per row and no re-tokenising of the name index. A million profiles take
 * about 4 s here, where writing them change by change took 26 s and more (BENCHMARKS.md).
 *
 * Only a store with nothing synced yet takes a file, so there is nothing to merge: the
 * store's own tables (outbox, visits, ledger, purchases, credential) are not touched.
 *
 * It runs on its own connection to the store's file, synchronously: the agent's connection
 * sees the new rows at once (its statements re-prepare after the schema change, and the
 * name index reloads its structure when another connection has committed), and no write of
 * the agent's can come between the checks and the copy. The agent's thread is busy for the
 * copy; that is once, on a store that has no profile yet to recognise.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';

/**
 * What head office sends, as tables. The name index is its FTS5 shadow tables (its config
 * row is the same in every file). Everything else in a store's file is the store's own.
 */
export const SYNCED_TABLES = [
  'profiles',
  'identifiers',
  'phone_tails',
  'sync_rows',
  'synced_documents',
  'profile_names_data',
  'profile_names_idx',
  'profile_names_content',
  'profile_names_docsize',
] as const;

export type InstallOutcome =
  | {
      installed: true;
      version: number;
      profiles: number;
      /** The copy's transaction, and the checkpoint after it (where the pages reach the disk; 0 when left to the caller). */
      copyMs: number;
      checkpointMs: number;
    }
  | { installed: false; reason: string };

/**
 * Why the store cannot take a file now, or undefined when it can: it must hold nothing
 * from head office yet, and no profile of its own (one enrolled at the counter before the
 * first sync is the store's, and the file would not merge with it).
 */
export function notFresh(db: Database.Database): string | undefined {
  const cursor = (db.prepare('SELECT version FROM main.sync_cursor WHERE id = 1').get() as { version: number } | undefined)?.version ?? 0;
  if (cursor !== 0) return `the store has synced already (cursor ${cursor})`;
  for (const table of ['profiles', 'identifiers', 'sync_rows', 'synced_documents']) {
    if (db.prepare(`SELECT 1 FROM main.${table} LIMIT 1`).get()) return `the store already holds ${table}`;
  }
  return undefined;
}

function tableSql(db: Database.Database, schema: 'main' | 'seed', table: string): string | undefined {
  return (db.prepare(`SELECT sql FROM ${schema}.sqlite_master WHERE type = 'table' AND name = ?`).get(table) as { sql: string } | undefined)?.sql;
}

export interface InstallOptions {
  /**
   * Copy the pages from the WAL into the database before returning (default). False leaves
   * them in the WAL for the caller to write home on another thread (wal-checkpoint.ts); the
   * caller's connection must not checkpoint by itself meanwhile.
   */
  checkpoint?: boolean;
}

/**
 * Copies the file's synced tables into the store at `liveFile`, or says why not (and then
 * changes nothing). Throws only if the copy itself fails, which rolls it back whole. The
 * file is removed either way: it is not needed after this.
 */
export function installStoreFile(liveFile: string, seedFile: string, { checkpoint = true }: InstallOptions = {}): InstallOutcome {
  const db = new Database(liveFile);
  let attached = false;
  let outcome: InstallOutcome | undefined;
  try {
    db.pragma('busy_timeout = 5000');
    // The transfer optimisation is off while foreign keys are checked (identifiers name
    // profiles); the file's rows come from one consistent build, checked by its sha256.
    db.pragma('foreign_keys = OFF');
    // FTS5 shadow tables refuse writes in SQLite's defensive mode, which better-sqlite3
    // turns on; they are copied byte for byte from a file built by the same FTS5.
    db.unsafeMode(true);
    // The checkpoint (below, or the caller's) writes the pages home and syncs the file.
    db.pragma('synchronous = NORMAL');
    // Otherwise the commit would copy the whole WAL into the database, on this thread.
    if (!checkpoint) db.pragma('wal_autocheckpoint = 0');
    db.prepare('ATTACH ? AS seed').run(seedFile);
    attached = true;

    const liveSchema = db.pragma('main.user_version', { simple: true }) as number;
    const seedSchema = db.pragma('seed.user_version', { simple: true }) as number;
    if (seedSchema !== liveSchema) return { installed: false, reason: `the file has schema ${seedSchema}, this store ${liveSchema}` };
    for (const table of [...SYNCED_TABLES, 'profile_names', 'profile_names_config']) {
      if (tableSql(db, 'seed', table) !== tableSql(db, 'main', table)) return { installed: false, reason: `the file's ${table} table differs from this store's` };
    }
    // The name index's settings (its version) are not copied: they must be the same.
    const config = (schema: string): string => JSON.stringify(db.prepare(`SELECT k, v FROM ${schema}.profile_names_config ORDER BY k`).all());
    if (config('seed') !== config('main')) return { installed: false, reason: "the file's name index settings differ from this store's" };
    const version = (db.prepare('SELECT version FROM seed.sync_cursor WHERE id = 1').get() as { version: number } | undefined)?.version ?? 0;
    if (!Number.isSafeInteger(version) || version <= 0) return { installed: false, reason: 'the file covers no changes' };

    const copyStarted = Date.now();
    outcome = db
      .transaction((): InstallOutcome => {
        // Checked again under the write lock: nothing may have been synced meanwhile.
        const busy = notFresh(db);
        if (busy) return { installed: false, reason: busy };
        // A trigger on a table turns the transfer into row-by-row inserts; they come back below.
        const triggers = db
          .prepare(`SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name IN (${SYNCED_TABLES.map(() => '?').join(', ')})`)
          .all(...SYNCED_TABLES) as Array<{ name: string; sql: string }>;
        for (const trigger of triggers) db.exec(`DROP TRIGGER main."${trigger.name}"`);
        for (const table of SYNCED_TABLES) {
          db.exec(`DELETE FROM main.${table}`);
          db.exec(`INSERT INTO main.${table} SELECT * FROM seed.${table}`);
        }
        for (const trigger of triggers) db.exec(trigger.sql);
        db.prepare('UPDATE main.sync_cursor SET version = ? WHERE id = 1').run(version);
        // The name index points at profiles by rowid: the copy must have kept every rowid (the
        // transfer optimisation does; a row-by-row copy would renumber 1…n). A copy that
        // renumbered has a different count or top rowid wherever the file had gaps.
        const shape = (schema: string) => db.prepare(`SELECT count(*) AS n, coalesce(max(rowid), 0) AS top FROM ${schema}.profiles`).get() as { n: number; top: number };
        const copied = shape('main');
        const expected = shape('seed');
        if (copied.n !== expected.n || copied.top !== expected.top) {
          // Rolls the copy back rather than keep a name index that points at other people.
          throw new Error(`store file install copied ${copied.n} profiles up to rowid ${copied.top}, the file has ${expected.n} up to ${expected.top}`);
        }
        const profiles = copied.n;
        return { installed: true, version, profiles, copyMs: 0, checkpointMs: 0 };
      })
      .immediate();
    if (outcome.installed) outcome.copyMs = Date.now() - copyStarted;
    return outcome;
  } finally {
    const checkpointStarted = Date.now();
    // A file's worth of pages may sit in the WAL now (or a rolled-back copy's): home they go
    // at once, and the WAL shrinks, rather than in the agent's next commit (unless the caller
    // does it on another thread). The download goes first, so the disk never holds it, the
    // WAL and the grown database at once. A failure here changes nothing of the outcome (the
    // agent's own commits checkpoint later).
    try {
      if (attached) db.exec('DETACH seed');
      rmSync(seedFile, { force: true });
      // A copy rolled back or refused leaves no committed frame of its own, so emptying the
      // WAL is cheap then, and a rolled-back copy's spilled pages do not keep its size.
      if (checkpoint || !outcome?.installed) db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // kept as it is: see above
    } finally {
      db.close();
    }
    if (outcome?.installed && checkpoint) outcome.checkpointMs = Date.now() - checkpointStarted;
  }
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from './database';
import { ProfileStore } from './profile-store';
import { installStoreFile } from './store-file-install';
import { ChangeApplier } from '../sync/change-applier';
import { ProfileSearch } from '../kiosk/profile-search';
import { createLogger } from '../log/logger';

const log = createLogger('test', 'silent');
const NO_LISTENER = { onRules: () => undefined, onPlaylist: () => undefined, onPlaylistRemoved: () => undefined, onCatalogue: () => undefined };

function profileChange(i: number, version: number) {
  return {
    version,
    collection: 'profiles',
    key: `p-${i}`,
    op: 'upsert',
    data: {
      id: `p-${i}`,
      firstName: i === 7 ? 'Zoë' : `Name${i}`,
      lastName: 'Okafor',
      consents: { greetPublic: true, personalisedOffers: false, tracking: true },
      identifiers: [
        { kind: 'loyalty', value: `LOY-${i}` },
        { kind: 'phone', value: `+4420794600${String(i).padStart(2, '0')}` },
      ],
    },
  };
}

const PLAYLIST = { id: 'default', slides: [{ id: 's-1', kind: 'image', src: 'content/welcome.svg', durationMs: 5000 }] };

/** A store file as head office builds one: the agent's own applier over a fresh agent database. */
function buildSeed(file: string, profiles: number): number {
  const db = openDatabase(file);
  const applier = new ChangeApplier(db, new ProfileStore(db), NO_LISTENER, log);
  const changes: unknown[] = [];
  for (let i = 0; i < profiles; i++) changes.push(profileChange(i, i + 1));
  changes.push({ version: profiles + 1, collection: 'playlists', key: 'default', op: 'upsert', data: PLAYLIST });
  // An erasure leaves a gap in the rowids, which the name index refers to.
  changes.push({ version: profiles + 2, collection: 'profiles', key: 'p-3', op: 'delete' });
  applier.apply(changes, profiles + 2);
  db.pragma('journal_mode = DELETE');
  db.close();
  return profiles + 2;
}

describe('installStoreFile', () => {
  let dir: string;
  let live: Db;
  let seed: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-store-file-'));
    seed = join(dir, 'seed.db');
    live = openDatabase(join(dir, 'store.db'));
  });

  afterEach(() => {
    if (live.open) live.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the synced tables into a fresh store and leaves the store\'s own rows alone; the live connection reads and writes them at once', () => {
    const version = buildSeed(seed, 50);
    live.prepare("INSERT INTO outbox (message_id, event, payload, created_at) VALUES ('m-1', 'Zone Entered', '{}', '2026-11-30T10:00:00Z')").run();
    const search = new ProfileSearch(live);
    expect(search.search('Zoë')).toEqual([]);

    expect(installStoreFile(live.name, seed)).toMatchObject({ installed: true, version, profiles: 49 });

    const applier = new ChangeApplier(live, new ProfileStore(live), NO_LISTENER, log);
    expect(applier.cursor()).toBe(version);
    expect(applier.localChecksum('profiles')).toEqual({ count: 49, versionSum: (50 * 51) / 2 - 4 });
    // Every profile kept its rowid, so the name index names the right people.
    expect(live.prepare('SELECT count(*) AS n FROM profiles p JOIN profile_names n ON n.rowid = p.rowid WHERE n.names = p.first_name || \' \' || p.last_name').get()).toEqual({ n: 49 });
    expect(live.prepare("SELECT count(*) AS n FROM synced_documents WHERE collection = 'playlists'").get()).toEqual({ n: 1 });
    expect(live.prepare('SELECT message_id FROM outbox').all()).toEqual([{ message_id: 'm-1' }]);
    // The name index and phone tails came whole, for the connection that was open all along.
    expect(search.search('zoe').map((hit) => hit.profileId)).toEqual(['p-7']);
    expect(search.search('0012').map((hit) => hit.profileId)).toEqual(['p-12']);
    expect(new ProfileStore(live).findByIdentifier('loyalty', 'LOY-49')?.id).toBe('p-49');

    // Later changes go through as usual: a rename is searchable, an erasure leaves no trace.
    applier.apply([{ ...profileChange(7, version + 1), data: { ...profileChange(7, 0).data, firstName: 'Amara' } }, { version: version + 2, collection: 'profiles', key: 'p-12', op: 'delete' }], version + 2);
    expect(search.search('Amara').map((hit) => hit.profileId)).toEqual(['p-7']);
    expect(search.search('zoe')).toEqual([]);
    expect(search.search('0012')).toEqual([]);
    expect(live.pragma('integrity_check', { simple: true })).toBe('ok');
    live.prepare("INSERT INTO profile_names(profile_names) VALUES ('integrity-check')").run();
    expect(live.pragma('foreign_key_check')).toEqual([]);
  });

  it('refuses a store that holds anything from head office already, and changes nothing', () => {
    buildSeed(seed, 10);
    const applier = new ChangeApplier(live, new ProfileStore(live), NO_LISTENER, log);
    applier.apply([profileChange(99, 3)], 3);
    expect(installStoreFile(live.name, seed)).toEqual({ installed: false, reason: 'the store has synced already (cursor 3)' });
    expect(applier.cursor()).toBe(3);
    expect(live.prepare('SELECT id FROM profiles').all()).toEqual([{ id: 'p-99' }]);

    // A profile enrolled at the counter before any sync is the store's too.
    const fresh = openDatabase(join(dir, 'other.db'));
    new ProfileStore(fresh).save({ id: 'p-local', firstName: 'Local', points: 0, visitCount: 0, consents: { greetPublic: false, personalisedOffers: false, tracking: false }, identifiers: [] });
    fresh.close();
    // A refused file is removed like a taken one: this is a new download.
    buildSeed(seed, 10);
    expect(installStoreFile(join(dir, 'other.db'), seed)).toEqual({ installed: false, reason: 'the store already holds profiles' });
    expect(existsSync(seed)).toBe(false);
  });

  it('refuses a file of another schema or with a table shaped differently', () => {
    buildSeed(seed, 5);
    const edit = new Database(seed);
    edit.pragma('user_version = 99');
    edit.close();
    expect(installStoreFile(live.name, seed)).toMatchObject({ installed: false, reason: expect.stringMatching(/schema 99/) });

    const other = join(dir, 'other-seed.db');
    buildSeed(other, 5);
    const alter = new Database(other);
    alter.exec('ALTER TABLE phone_tails ADD COLUMN extra TEXT');
    alter.close();
    expect(installStoreFile(live.name, other)).toEqual({ installed: false, reason: "the file's phone_tails table differs from this store's" });
    expect(live.prepare('SELECT count(*) AS n FROM profiles').get()).toEqual({ n: 0 });
  });

  it('with checkpoint: false, leaves the copy in the WAL for the caller, and the database file as it was', () => {
    buildSeed(seed, 20_000);
    live.pragma('wal_checkpoint(TRUNCATE)');
    const fileBefore = statSync(live.name).size;

    const outcome = installStoreFile(live.name, seed, { checkpoint: false });

    expect(outcome).toMatchObject({ installed: true, profiles: 19_999, checkpointMs: 0 });
    // Not copied home on the install's commit: the rows are in the WAL, read from there.
    expect(statSync(`${live.name}-wal`).size).toBeGreaterThan(1000 * 4096);
    expect(statSync(live.name).size).toBe(fileBefore);
    expect(new ProfileStore(live).findByIdentifier('loyalty', 'LOY-19999')?.id).toBe('p-19999');
    live.pragma('wal_checkpoint(TRUNCATE)');
    expect(statSync(live.name).size).toBeGreaterThan(fileBefore + 1000 * 4096);
    expect(live.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

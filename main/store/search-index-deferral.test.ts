/**
 * A first sync's deferred search index (ProfileStore.deferSearchIndex /
 * buildDeferredSearchIndex) on a real SQLite file: only an empty store defers; lookups by
 * identifier work meanwhile; the build, step by step, ends with the same index as profiles
 * kept one by one, including profiles written, renamed, re-phoned and deleted during it,
 * and resumes after the file is closed halfway.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Identifier } from '../../protocol/identifiers';
import { ProfileSearch } from '../kiosk/profile-search';
import { openDatabase, type Db } from './database';
import { ProfileStore, type ProfileRecord } from './profile-store';

const CONSENTS = { greetPublic: false, personalisedOffers: false, tracking: false };
const profile = (id: string, firstName: string, lastName: string, identifiers: Identifier[]): ProfileRecord => ({
  id, firstName, lastName, points: 0, visitCount: 0, consents: CONSENTS, identifiers,
});
const customer = (i: number, firstName = `Ana${i}`): ProfileRecord =>
  profile(`p-${i}`, firstName, 'Lima', [{ kind: 'loyalty', value: `L${i}` }, { kind: 'phone', value: `+4477009${String(i).padStart(5, '0')}` }]);

let dir: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'soo-deferral-'));
  db = openDatabase(join(dir, 'store.db'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The search tables' contents, to compare a built index with one kept profile by profile. */
function searchTables(of: Db): { names: string[]; tails: string[] } {
  return {
    names: of.prepare<[], { n: string }>("SELECT rowid || ':' || names AS n FROM profile_names ORDER BY rowid").all().map((r) => r.n),
    tails: of.prepare<[], { t: string }>("SELECT tail || ':' || profile_id || ':' || phone AS t FROM phone_tails ORDER BY 1").all().map((r) => r.t),
  };
}

describe('deferred search index', () => {
  it('is only deferred on an empty store', () => {
    const profiles = new ProfileStore(db);
    profiles.save(customer(1));
    expect(profiles.deferSearchIndex()).toBe(false);
    expect(profiles.searchIndexDeferred()).toBe(false);
    expect(new ProfileSearch(db).search('ana1').map((h) => h.profileId)).toEqual(['p-1']);
  });

  it('writes no index while deferred, finds by identifier meanwhile, and builds the same index as profiles kept one by one', () => {
    const profiles = new ProfileStore(db);
    expect(profiles.deferSearchIndex()).toBe(true);
    for (let i = 0; i < 250; i++) profiles.replaceFromHeadOffice(customer(i));
    const search = new ProfileSearch(db);
    expect(search.search('ana12')).toEqual([]);
    expect(search.search('00012')).toEqual([]);
    expect(profiles.findByIdentifier('loyalty', 'L12')?.id).toBe('p-12');

    // Steps of 100: three of them, the last one ends the deferral.
    expect(profiles.buildDeferredSearchIndex(100)).toBe(false);
    expect(profiles.buildDeferredSearchIndex(100)).toBe(false);
    expect(profiles.buildDeferredSearchIndex(100)).toBe(true);
    expect(profiles.searchIndexDeferred()).toBe(false);
    expect(search.search('ana12').map((h) => h.profileId)).toContain('p-12');
    expect(search.search('00012').map((h) => h.matched)).toEqual(['phone']);

    const kept = openDatabase(join(dir, 'kept.db'));
    try {
      const keptProfiles = new ProfileStore(kept);
      for (let i = 0; i < 250; i++) keptProfiles.replaceFromHeadOffice(customer(i));
      expect(searchTables(db)).toEqual(searchTables(kept));
    } finally {
      kept.close();
    }
  });

  it('keeps what is written during the build right: renames below the step reached, new profiles, moved phones, deletions', () => {
    const profiles = new ProfileStore(db);
    profiles.deferSearchIndex();
    for (let i = 0; i < 10; i++) profiles.replaceFromHeadOffice(customer(i));
    expect(profiles.buildDeferredSearchIndex(4)).toBe(false);
    // p-1 is indexed already (rowid 2 ≤ 4): its rename must reach the index now. p-8 is not yet.
    profiles.replaceFromHeadOffice(customer(1, 'Beatriz'));
    profiles.replaceFromHeadOffice(customer(8, 'Carla'));
    profiles.replaceFromHeadOffice(customer(20, 'Dora'));
    // p-3's phone moves to p-9; p-5 is erased.
    profiles.replaceFromHeadOffice({ ...customer(9), identifiers: [...customer(9).identifiers, customer(3).identifiers[1]!] });
    profiles.replaceFromHeadOffice({ ...customer(3), identifiers: [customer(3).identifiers[0]!] });
    profiles.delete('p-5');
    while (!profiles.buildDeferredSearchIndex(4));

    const search = new ProfileSearch(db);
    expect(search.search('beatriz').map((h) => h.profileId)).toEqual(['p-1']);
    expect(search.search('ana1')).toEqual([]);
    expect(search.search('carla').map((h) => h.profileId)).toEqual(['p-8']);
    expect(search.search('dora').map((h) => h.profileId)).toEqual(['p-20']);
    expect(search.search('ana5')).toEqual([]);
    expect(search.search(customer(3).identifiers[1]!.value).map((h) => h.profileId)).toEqual(['p-9']);

    const kept = openDatabase(join(dir, 'kept.db'));
    try {
      const keptProfiles = new ProfileStore(kept);
      for (let i = 0; i < 10; i++) keptProfiles.replaceFromHeadOffice(customer(i));
      keptProfiles.replaceFromHeadOffice(customer(1, 'Beatriz'));
      keptProfiles.replaceFromHeadOffice(customer(8, 'Carla'));
      keptProfiles.replaceFromHeadOffice(customer(20, 'Dora'));
      keptProfiles.replaceFromHeadOffice({ ...customer(9), identifiers: [...customer(9).identifiers, customer(3).identifiers[1]!] });
      keptProfiles.replaceFromHeadOffice({ ...customer(3), identifiers: [customer(3).identifiers[0]!] });
      keptProfiles.delete('p-5');
      expect(searchTables(db)).toEqual(searchTables(kept));
    } finally {
      kept.close();
    }
  });

  it('resumes a build cut short where it stopped, after the file is opened again', () => {
    let profiles = new ProfileStore(db);
    profiles.deferSearchIndex();
    for (let i = 0; i < 30; i++) profiles.replaceFromHeadOffice(customer(i));
    expect(profiles.buildDeferredSearchIndex(10)).toBe(false);
    db.close();
    db = openDatabase(join(dir, 'store.db'));
    profiles = new ProfileStore(db);
    expect(profiles.searchIndexDeferred()).toBe(true);
    // Had it started again from the beginning, rowids 1–10 would be indexed twice and FTS5 would refuse.
    while (!profiles.buildDeferredSearchIndex(10));
    expect(db.prepare('SELECT count(*) AS n FROM profile_names').get()).toEqual({ n: 30 });
    expect(new ProfileSearch(db).search('ana29').map((h) => h.profileId)).toEqual(['p-29']);
  });
});

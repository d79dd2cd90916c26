/** ChangeApplier on a real SQLite file: profiles and tombstones with the cursor, bad changes counted, fsync rule restored. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger';
import { openDatabase, type Db } from '../store/database';
import { ProfileStore } from '../store/profile-store';
import { ChangeApplier } from './change-applier';

const consents = { greetPublic: true, personalisedOffers: false, tracking: true };
const profile = (id: string, loyalty: string, firstName = 'Ana') => ({
  id, firstName, lastName: 'Lima', points: 10, visitCount: 1, consents, identifiers: [{ kind: 'loyalty', value: loyalty }],
});
const upsert = (version: number, data: ReturnType<typeof profile>) => ({ version, collection: 'profiles', key: data.id, op: 'upsert', data });

let dir: string;
let db: Db;
let profiles: ProfileStore;
let applier: ChangeApplier;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'change-applier-'));
  db = openDatabase(join(dir, 'agent.sqlite'));
  profiles = new ProfileStore(db);
  applier = new ChangeApplier(db, profiles, { onRules() {}, onPlaylist() {}, onPlaylistRemoved() {}, onCatalogue() {} }, createLogger('test', 'silent'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ChangeApplier', () => {
  it('applies profiles with the cursor, skips a malformed change, and keeps the outbox fsync rule afterwards', () => {
    const result = applier.apply([upsert(1, profile('p-1', 'L1')), { version: 2, collection: 'profiles', op: 'upsert' }, upsert(3, profile('p-2', 'L2'))], 3);
    expect(result).toEqual({ applied: 2, invalid: 1 });
    expect(applier.cursor()).toBe(3);
    expect(profiles.findByIdentifier('loyalty', 'L2')?.id).toBe('p-2');
    // The batch committed with synchronous=NORMAL; everything else (the outbox) stays FULL (2).
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(applier.localChecksum('profiles')).toEqual({ count: 2, versionSum: 4 });
  });

  it('moves an identifier head office gave to another profile, and a tombstone removes the profile', () => {
    applier.apply([upsert(1, profile('p-1', 'L1')), upsert(2, profile('p-2', 'L2'))], 2);
    applier.apply([upsert(3, profile('p-2', 'L1', 'Bea'))], 3);
    expect(profiles.findByIdentifier('loyalty', 'L1')).toMatchObject({ id: 'p-2', firstName: 'Bea' });
    expect(profiles.identifiers('p-1')).toEqual([]);
    applier.apply([{ version: 4, collection: 'profiles', key: 'p-2', op: 'delete' }], 4);
    expect(profiles.findById('p-2')).toBeUndefined();
    expect(applier.localChecksum('profiles')).toEqual({ count: 1, versionSum: 1 });
  });

  it('rolls back a batch that fails half-way, cursor included', () => {
    applier.apply([upsert(1, profile('p-1', 'L1'))], 1);
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON profiles WHEN new.id = 'p-boom' BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    expect(() => applier.apply([upsert(2, profile('p-2', 'L2')), upsert(3, profile('p-boom', 'L3'))], 3)).toThrow('disk says no');
    expect(applier.cursor()).toBe(1);
    expect(profiles.findById('p-2')).toBeUndefined();
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
  });
});

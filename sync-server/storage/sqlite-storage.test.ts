import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStorage, type TempStorage } from '../testing/temp-storage';
import { openSqliteStorage } from './sqlite-storage';
import { MIGRATIONS } from './migrations/index';
import { openDatabase } from '../../main/store/database';
import { ALL_STORES, type ProfileFields, type StoredEvent } from './sync-storage';

describe('SqliteStorage', () => {
  let temp: TempStorage;
  beforeEach(async () => {
    temp = openTempStorage();
    for (const id of ['A', 'B']) await temp.storage.createStore({ id, name: id, region: null, createdAt: '2030-01-01T00:00:00.000Z' });
  });
  afterEach(() => temp.cleanup());

  const rowCount = (): number => {
    const db = new Database(temp.file, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM changes').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('creates a WAL database at the latest schema, and reopening migrates nothing', async () => {
    const db = new Database(temp.file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
    const again = openSqliteStorage(temp.file);
    expect(await again.listStores()).toHaveLength(2);
    await again.close();
  });

  describe('change log', () => {
    it('replaces an upsert with a newer upsert: one row, a new higher version', async () => {
      const { storage } = temp;
      const v1 = await storage.putChange({ storeId: 'A', collection: 'profiles', key: 'p1', op: 'upsert', data: { n: 1 } });
      const v2 = await storage.putChange({ storeId: 'A', collection: 'profiles', key: 'p1', op: 'upsert', data: { n: 2 } });
      expect(v2).toBeGreaterThan(v1);
      expect(rowCount()).toBe(1);
      expect(await storage.changesSince({ storeId: 'A', after: 0 }, 100)).toEqual([
        { version: v2, storeId: 'A', collection: 'profiles', key: 'p1', op: 'upsert', dataJson: '{"n":2}' },
      ]);
      // A device that had v1 sees the replacement after its cursor.
      expect((await storage.changesSince({ storeId: 'A', after: v1 }, 100)).map((c) => c.version)).toEqual([v2]);
    });

    it('leaves a tombstone on delete, which counts as neither held nor live', async () => {
      const { storage } = temp;
      await storage.putChange({ storeId: 'A', collection: 'profiles', key: 'p1', op: 'upsert', data: { n: 1 } });
      expect(await storage.holdersOf('profiles', 'p1')).toEqual(['A']);
      const v = await storage.putChange({ storeId: 'A', collection: 'profiles', key: 'p1', op: 'delete' });
      expect(rowCount()).toBe(1);
      expect(await storage.changesSince({ storeId: 'A', after: 0 }, 100)).toEqual([
        { version: v, storeId: 'A', collection: 'profiles', key: 'p1', op: 'delete', dataJson: null },
      ]);
      expect(await storage.holdersOf('profiles', 'p1')).toEqual([]);
      // The tombstone counts in the version the sums cover.
      expect(await storage.checksum('A', 'profiles')).toEqual({ count: 0, versionSum: 0, upTo: v });
    });

    it("serves a store its own and all-stores changes in version order, never another store's", async () => {
      const { storage } = temp;
      const versions: number[] = [];
      versions.push(await storage.putChange({ storeId: 'A', collection: 'profiles', key: 'a1', op: 'upsert', data: 1 }));
      await storage.putChange({ storeId: 'B', collection: 'profiles', key: 'b1', op: 'upsert', data: 1 });
      versions.push(await storage.putChange({ storeId: ALL_STORES, collection: 'rules', key: 'default', op: 'upsert', data: {} }));
      versions.push(await storage.putChange({ storeId: 'A', collection: 'profiles', key: 'a2', op: 'upsert', data: 1 }));
      await storage.putChange({ storeId: 'B', collection: 'profiles', key: 'b2', op: 'upsert', data: 1 });
      versions.push(await storage.putChange({ storeId: ALL_STORES, collection: 'catalogue', key: 'default', op: 'upsert', data: [] }));

      const all = await storage.changesSince({ storeId: 'A', after: 0 }, 100);
      expect(all.map((c) => c.version)).toEqual(versions);
      expect(all.every((c) => c.storeId === 'A' || c.storeId === ALL_STORES)).toBe(true);
      const page = await storage.changesSince({ storeId: 'A', after: versions[0]!}, 2);
      expect(page.map((c) => c.version)).toEqual(versions.slice(1, 3));
      expect(await storage.countChangesSince({ storeId: 'A', after: versions[2]! })).toBe(1);
      expect(await storage.countChangesSince({ storeId: 'A', after: 0 })).toBe(4);
      expect((await storage.changesSince({ storeId: 'A', after: 0, collection: 'profiles' }, 100)).map((c) => c.key)).toEqual(['a1', 'a2']);
      expect(await storage.countChangesSince({ storeId: 'A', after: 0, collection: 'rules' })).toBe(1);
      const latest = await storage.latestVersions();
      expect(latest[ALL_STORES]).toBe(versions[3]);
      expect(await storage.checksum('A', 'profiles')).toEqual({ count: 2, versionSum: versions[0]! + versions[2]!, upTo: versions[2] });
      expect(await storage.checksum('B', 'rules')).toEqual({ count: 1, versionSum: versions[1], upTo: versions[1] });
      // Only the store's own tombstones of erased profiles, after the version asked: a
      // profile leaving the store's scope is not an erasure.
      const left = await storage.putChange({ storeId: 'A', collection: 'profiles', key: 'a2', op: 'delete' });
      expect(await storage.countErasuresSince('A', 0)).toBe(0);
      const removed = await storage.putChange({ storeId: 'A', collection: 'profiles', key: 'a1', op: 'delete' });
      await storage.putChange({ storeId: 'B', collection: 'profiles', key: 'b1', op: 'delete' });
      await storage.markErased('a1', new Date().toISOString());
      await storage.markErased('b1', new Date().toISOString());
      expect(await storage.countErasuresSince('A', 0)).toBe(1);
      expect(await storage.countErasuresSince('A', left)).toBe(1);
      expect(await storage.countErasuresSince('A', removed)).toBe(0);

    });
  });

  it('rolls a transaction back when its work throws', async () => {
    const { storage } = temp;
    await expect(
      storage.transaction(async (tx) => {
        await tx.putChange({ storeId: 'A', collection: 'profiles', key: 'p1', op: 'upsert', data: 1 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await storage.changesSince({ storeId: 'A', after: 0 }, 10)).toEqual([]);
    // The storage is usable afterwards.
    await storage.transaction((tx) => tx.putChange({ storeId: 'A', collection: 'profiles', key: 'p1', op: 'upsert', data: 1 }));
    expect(await storage.countChangesSince({ storeId: 'A', after: 0 })).toBe(1);
  });

  it('serialises concurrent transactions: neither sees the other half-done', async () => {
    const { storage } = temp;
    const seen: number[] = [];
    await Promise.all(
      [1, 2, 3].map((n) =>
        storage.transaction(async (tx) => {
          const before = await tx.countChangesSince({ storeId: 'A', after: 0 });
          await tx.putChange({ storeId: 'A', collection: 'profiles', key: `p${n}`, op: 'upsert', data: n });
          await Promise.resolve();
          seen.push(before);
        }),
      ),
    );
    expect(seen).toEqual([0, 1, 2]);
  });

  it('stores an event once per messageId', async () => {
    const event: StoredEvent = {
      messageId: '9b2f8f44-1c1d-4c61-9d8a-1d1a7f9e2b10', deviceId: 'd1', storeId: 'A', seq: 1, event: 'Zone Entered',
      userId: null, anonymousId: 'b1', originalTimestamp: '2030-01-01T00:00:00.000Z', sentAt: null,
      receivedAt: '2030-01-01T00:00:01.000Z', timestamp: '2030-01-01T00:00:00.000Z', payload: null,
    };
    expect(await temp.storage.insertEvent(event)).toBe(true);
    expect(await temp.storage.insertEvent({ ...event, seq: 2 })).toBe(false);
    expect(await temp.storage.getEvent(event.messageId)).toMatchObject({ seq: 1 });
  });

  it('stores a list of events once per messageId, earlier in the list included, and says which were new', async () => {
    const event = (messageId: string, seq: number): StoredEvent => ({
      messageId, deviceId: 'd1', storeId: 'A', seq, event: 'Zone Entered',
      userId: null, anonymousId: 'b1', originalTimestamp: '2030-01-01T00:00:00.000Z', sentAt: null,
      receivedAt: '2030-01-01T00:00:01.000Z', timestamp: '2030-01-01T00:00:00.000Z', payload: null,
    });
    const [a, b, c] = ['0f6f3f0e-7d4b-4a57-9a53-5a8c1d0e2b11', '0f6f3f0e-7d4b-4a57-9a53-5a8c1d0e2b12', '0f6f3f0e-7d4b-4a57-9a53-5a8c1d0e2b13'];
    expect(await temp.storage.insertEvent(event(a!, 1))).toBe(true);
    expect(await temp.storage.insertEvents([event(a!, 2), event(b!, 3), event(c!, 4), event(b!, 5)])).toEqual([false, true, true, false]);
    expect(await temp.storage.getEvent(b!)).toMatchObject({ seq: 3 });
    expect(await temp.storage.insertEvents([])).toEqual([]);
  });

  describe('anonymous history (migrations/005-anonymous-keys.ts)', () => {
    const zone = (messageId: string, anonymousId: string, minute: number): StoredEvent => ({
      messageId, deviceId: 'd1', storeId: 'A', seq: minute, event: 'Zone Entered', userId: null, anonymousId,
      originalTimestamp: `2030-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`, sentAt: null,
      receivedAt: '2030-01-01T01:00:00.000Z', timestamp: `2030-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`, payload: null,
    });
    const keysOf = (file: string): Array<{ anonymous_id: string; anonymous_key: number | null }> => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare('SELECT anonymous_id, anonymous_key FROM events ORDER BY id').all() as Array<{ anonymous_id: string; anonymous_key: number | null }>;
      } finally {
        db.close();
      }
    };
    const beacons = (file: string): string[] => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare('SELECT anonymous_id FROM anonymous_ids ORDER BY anonymous_id').pluck().all() as string[];
      } finally {
        db.close();
      }
    };
    const saveProfile = (id: string) =>
      temp.storage.saveProfile({ id, homeStoreId: 'A', fields: {} as ProfileFields, clocks: {}, createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z' });

    it("gives each beacon one key, finds a profile's history through its alias, and erasure forgets the beacon", async () => {
      const { storage } = temp;
      await storage.insertEvents([zone('e1', 'b1', 1), zone('e2', 'b2', 2), zone('e3', 'b1', 3)]);
      const [k1, k2, k3] = keysOf(temp.file).map((row) => row.anonymous_key);
      expect(k1).toBe(k3);
      expect(k2).not.toBe(k1);

      await saveProfile('p1');
      await storage.linkAlias('b1', 'p1', '2030-01-01T00:10:00.000Z');
      expect((await storage.timeline('p1', 10)).map((e) => e.messageId)).toEqual(['e3', 'e1']);

      expect(await storage.scrubEventsOf('p1')).toBe(2);
      // A device re-sends one of them (it never had the ack): nothing is stored, b1 included.
      expect(await storage.insertEvents([zone('e1', 'b1', 1)])).toEqual([false]);
      expect(beacons(temp.file)).toEqual(['b2']);
      expect(keysOf(temp.file)).toEqual([
        { anonymous_id: null, anonymous_key: null },
        { anonymous_id: 'b2', anonymous_key: k2 },
        { anonymous_id: null, anonymous_key: null },
      ]);
      // The beacon is seen again: a new key, not the erased person's.
      await storage.insertEvents([zone('e4', 'b1', 4)]);
      expect(keysOf(temp.file)[3]!.anonymous_key).not.toBe(k1);
    });

    it('does not keep the key of a beacon first seen in a transaction that rolled back', async () => {
      const { storage } = temp;
      await expect(
        storage.transaction(async (tx) => {
          await tx.insertEvents([zone('e1', 'b9', 1)]);
          throw new Error('the group failed');
        }),
      ).rejects.toThrow('the group failed');
      // SQLite hands the rolled-back key's number to the next new beacon...
      await storage.insertEvents([zone('e2', 'b8', 2), zone('e3', 'b9', 3)]);
      const [b8, b9] = keysOf(temp.file).map((row) => row.anonymous_key);
      // ...so b9 must have been given a key of its own, not the one that rolled back.
      expect(b9).not.toBe(b8);
      await saveProfile('p9');
      await storage.linkAlias('b9', 'p9', '2030-01-01T00:10:00.000Z');
      expect((await storage.timeline('p9', 10)).map((e) => e.messageId)).toEqual(['e3']);
    });

    it('keys the events a database held before the migration', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sync-storage-v4-'));
      const file = join(dir, 'sync.sqlite');
      // A database at the schema before the keys, with events in it.
      const old = openDatabase(file, MIGRATIONS.filter((m) => m.version <= 4), { owner: 'server' });
      old.prepare("INSERT INTO stores (id, name, region, created_at) VALUES ('A', 'A', NULL, '2030-01-01T00:00:00.000Z')").run();
      const insert = old.prepare(
        `INSERT INTO events (message_id, device_id, store_id, seq, event, user_id, anonymous_id, original_timestamp, sent_at, received_at, timestamp, payload)
         VALUES (?, 'd1', 'A', ?, 'Zone Entered', NULL, ?, ?, NULL, ?, ?, NULL)`,
      );
      for (const [id, beacon, minute] of [['e1', 'b1', 1], ['e2', 'b2', 2], ['e3', 'b1', 3]] as const) {
        const at = `2030-01-01T00:0${minute}:00.000Z`;
        insert.run(id, minute, beacon, at, at, at);
      }
      old.close();

      const storage = openSqliteStorage(file);
      try {
        const keys = keysOf(file);
        expect(keys.every((row) => row.anonymous_key !== null)).toBe(true);
        expect(keys[0]!.anonymous_key).toBe(keys[2]!.anonymous_key);
        expect(keys[1]!.anonymous_key).not.toBe(keys[0]!.anonymous_key);
        await storage.saveProfile({ id: 'p1', homeStoreId: 'A', fields: {} as ProfileFields, clocks: {}, createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z' });
        await storage.linkAlias('b1', 'p1', '2030-01-01T00:10:00.000Z');
        expect((await storage.timeline('p1', 10)).map((e) => e.messageId)).toEqual(['e3', 'e1']);
        // A new upload from an old beacon takes its migrated key.
        await storage.insertEvents([zone('e4', 'b2', 4)]);
        expect(keysOf(file)[3]!.anonymous_key).toBe(keys[1]!.anonymous_key);
      } finally {
        await storage.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

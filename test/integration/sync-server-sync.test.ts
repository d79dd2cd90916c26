/**
 * Head office → store over real Socket.IO: snapshots in pages, pokes after edits, store
 * isolation, erasure tombstones, checksums, content for every store, and revocation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../protocol/sync';
import {
  ask, connectDevice, nextPoke, pairDevice, profileBody, pullAll, pullPage, startTestServer, type TestServer,
} from '../../sync-server/testing/test-server';
import defaultRules from '../../main/decisions/default-rules.json';
import { tempDirs } from '../helpers/temp-dirs';

let test: TestServer | undefined;
const temp = tempDirs();
afterEach(async () => {
  await test?.stop();
  test = undefined;
  temp.removeAll();
});

async function seedProfiles(t: TestServer, storeId: string, count: number, prefix = storeId): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 1; n <= count; n += 1) {
    const id = `${prefix}-p${n}`;
    const put = await t.admin('PUT', `/api/profiles/${id}`, profileBody(n, { identifiers: [{ kind: 'loyalty', value: `${prefix}-L${n}` }] }));
    expect(put.status).toBe(201);
    expect((await t.admin('PUT', `/api/stores/${storeId}/profiles/${id}`, { home: true })).status).toBe(200);
    ids.push(id);
  }
  return ids;
}

/** What a device holds after applying changes in order: key → latest upsert. */
function apply(changes: Change[], into = new Map<string, Change>()): Map<string, Change> {
  for (const change of changes) {
    const key = `${change.collection}/${change.key}`;
    if (change.op === 'delete') into.delete(key);
    else into.set(key, change);
  }
  return into;
}

describe('sync server: head office to stores', () => {
  it('serves a snapshot of N profiles in pages until hasMore is false, one row per profile', async () => {
    test = await startTestServer();
    const device = await pairDevice(test, 'S1');
    const ids = await seedProfiles(test, 'S1', 25);
    // Edited twice more: still one change row for that profile.
    await test.admin('PUT', `/api/profiles/${ids[0]}`, { tier: 'gold' });
    await test.admin('PUT', `/api/profiles/${ids[0]}`, { tier: 'platinum' });
    const socket = await connectDevice(test, device);

    const { changes, cursor, pages } = await pullAll(socket, 0, 10);
    expect(pages.map((p) => p.changes.length)).toEqual([10, 10, 5]);
    expect(pages.map((p) => p.remaining)).toEqual([15, 5, 0]);
    expect(pages.map((p) => p.hasMore)).toEqual([true, true, false]);
    expect(changes).toHaveLength(25);
    expect(new Set(changes.map((c) => c.key))).toEqual(new Set(ids));
    const versions = changes.map((c) => c.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(cursor).toBe(versions.at(-1));
    const first = changes.find((c) => c.key === ids[0]);
    expect(first).toMatchObject({ op: 'upsert', data: { id: ids[0], tier: 'platinum', firstName: 'Person1' } });

    // Nothing new: the same cursor comes back.
    const empty = await pullPage(socket, { cursor, limit: 10 });
    expect(empty).toEqual({ changes: [], cursor, hasMore: false, remaining: 0 });
    // The admin sees the device caught up.
    const listed = (await test.admin('GET', '/api/devices')).body.devices;
    expect(listed[0]).toMatchObject({ lastCursor: cursor, lag: 0, online: true });
  });

  it('carries remaining forward across the pages of a pass: new changes count, the last page says 0', async () => {
    test = await startTestServer();
    const device = await pairDevice(test, 'S1');
    const ids = await seedProfiles(test, 'S1', 30);
    const socket = await connectDevice(test, device);
    const page = async (cursor: number) => {
      const response = await pullPage(socket, { cursor, limit: 10 });
      if ('error' in response) throw new Error(response.error);
      return response;
    };
    const first = await page(0);
    expect(first.remaining).toBe(20);
    // Mid-pass: a new profile (one more to send) and an edit of one already sent (moves to the end).
    await seedProfiles(test, 'S1', 1, 'late');
    await test.admin('PUT', `/api/profiles/${ids[0]}`, { tier: 'gold' });
    const second = await page(first.cursor);
    expect(second.remaining).toBe(12);
    // An edit of a row not yet sent moves it to the end: counted again, so at most an overestimate.
    await test.admin('PUT', `/api/profiles/${ids[25]}`, { tier: 'gold' });
    const third = await page(second.cursor);
    expect(third.remaining).toBe(3);
    const last = await page(third.cursor);
    expect(last).toMatchObject({ hasMore: false, remaining: 0 });
    expect(third.changes.map((c) => c.key)).toContain('late-p1');
    expect(last.changes.map((c) => c.key)).toEqual([ids[0], ids[25]]);
    const sent = [first, second, third, last].flatMap((p) => p.changes.map((c) => c.key));
    expect(new Set(sent).size).toBe(32 - 1);
  });

  it('pokes the store after a profile edit, and the pull from the cursor carries the edit', async () => {
    test = await startTestServer();
    const device = await pairDevice(test, 'S1');
    const [id] = await seedProfiles(test, 'S1', 3);
    const socket = await connectDevice(test, device);
    const { cursor } = await pullAll(socket);

    const poke = nextPoke(socket);
    const edit = await test.admin('PUT', `/api/profiles/${id}`, { firstName: 'Ann', allergies: ['peanuts'], consents: { greetPublic: false } });
    expect(edit.status).toBe(200);
    const { version } = await poke;
    expect(version).toBeGreaterThan(cursor);

    const next = await pullPage(socket, { cursor });
    if ('error' in next) throw new Error(next.error);
    expect(next.changes).toHaveLength(1);
    expect(next.changes[0]).toMatchObject({
      version,
      key: id,
      op: 'upsert',
      data: { firstName: 'Ann', allergies: ['peanuts'], consents: { greetPublic: false, personalisedOffers: true, tracking: true } },
    });
    // The edit is validated: nothing changes on a bad one.
    const bad = await test.admin('PUT', `/api/profiles/${id}`, { points: -5 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/points/);
    const unknownField = await test.admin('PUT', `/api/profiles/${id}`, { shoeSize: 42 });
    expect(unknownField.status).toBe(400);
    expect((await test.admin('GET', `/api/profiles/${id}`)).body.profile.firstName).toBe('Ann');
  });

  it("never lets a device of store A see store B's profiles, whatever it asks", async () => {
    test = await startTestServer();
    const a = await pairDevice(test, 'A');
    await pairDevice(test, 'B');
    await seedProfiles(test, 'A', 2);
    await seedProfiles(test, 'B', 3);
    const socket = await connectDevice(test, a);

    // Asking for another store's data gets an error and nothing else.
    for (const forgedRequest of [{ cursor: 0, storeId: 'B' }, { cursor: 0, store: 'B' }]) {
      const forged = await pullPage(socket, forgedRequest as { cursor: number });
      expect(forged).toEqual({ error: expect.stringContaining('a device reads only its own store') });
    }
    const forgedChecksum = await ask(socket, 'sync.checksum', { collection: 'profiles', storeId: 'B' } as { collection: 'profiles' });
    expect(forgedChecksum).toEqual({ error: expect.stringContaining('a device reads only its own store') });
    const own = await pullPage(socket, { cursor: 0 });
    if ('error' in own) throw new Error(own.error);
    expect(own.changes.map((c) => c.key).sort()).toEqual(['A-p1', 'A-p2']);
    const checksum = await ask(socket, 'sync.checksum', { collection: 'profiles' });
    expect(checksum).toMatchObject({ collection: 'profiles', count: 2 });
    // An edit of a B profile pokes nobody in A.
    let poked = false;
    socket.on('sync.poke', () => (poked = true));
    await test.admin('PUT', '/api/profiles/B-p1', { tier: 'gold' });
    const after = await pullPage(socket, { cursor: own.cursor });
    expect(after).toMatchObject({ changes: [], hasMore: false });
    expect(poked).toBe(false);
  });

  it('sends a tombstone on erasure and on unassignment, and the checksum matches what the device holds', async () => {
    test = await startTestServer();
    const device = await pairDevice(test, 'S1');
    const ids = await seedProfiles(test, 'S1', 6);
    expect((await test.admin('PUT', '/api/rules', defaultRules)).status).toBe(200);
    const socket = await connectDevice(test, device);
    const held = apply((await pullAll(socket)).changes);
    let cursor = Math.max(...[...held.values()].map((c) => c.version));

    const poke = nextPoke(socket);
    const erased = await test.admin('DELETE', `/api/profiles/${ids[1]}`);
    expect(erased).toMatchObject({ status: 200, body: { erased: ids[1], tombstones: ['S1'] } });
    await poke;
    expect((await test.admin('GET', `/api/profiles/${ids[1]}`)).status).toBe(404);
    expect((await test.admin('DELETE', `/api/profiles/${ids[1]}`)).status).toBe(404);

    // Unassigning the home store leaves no reason to hold it: a tombstone for S1 only.
    const unassigned = await test.admin('DELETE', `/api/stores/S1/profiles/${ids[2]}`);
    expect(unassigned.body).toMatchObject({ stillHeld: false, heldBy: [] });
    await test.admin('PUT', `/api/profiles/${ids[3]}`, { points: 120 });

    const page = await pullAll(socket, cursor);
    const tombstones = page.changes.filter((c) => c.op === 'delete').map((c) => c.key).sort();
    expect(tombstones).toEqual([ids[1], ids[2]].sort());
    apply(page.changes, held);
    cursor = page.cursor;

    const profiles = [...held.values()].filter((c) => c.collection === 'profiles');
    const local = { count: profiles.length, versionSum: profiles.reduce((sum, c) => sum + c.version, 0) };
    const remote = await ask(socket, 'sync.checksum', { collection: 'profiles' });
    expect(remote).toMatchObject({ collection: 'profiles', ...local });
    // The sums cover the store's changes up to a version this device has pulled.
    const upTo = (remote as { upTo: number }).upTo;
    expect(upTo).toBeGreaterThanOrEqual(Math.max(...profiles.map((c) => c.version)));
    expect(upTo).toBeLessThanOrEqual(cursor);
    expect(local.count).toBe(4);
    const rules = await ask(socket, 'sync.checksum', { collection: 'rules' });
    expect(rules).toMatchObject({ collection: 'rules', count: 1 });
  });

  it('publishes rules, playlists and the catalogue to every store, with validation', async () => {
    test = await startTestServer();
    const a = await connectDevice(test, await pairDevice(test, 'A'));
    const b = await connectDevice(test, await pairDevice(test, 'B'));
    const pokes = Promise.all([nextPoke(a), nextPoke(b)]);
    expect((await test.admin('PUT', '/api/rules', { ...defaultRules, version: 2 })).status).toBe(200);
    await pokes;
    // Rule sets the agents would refuse are refused here, with the agents' own reason.
    const noRules = await test.admin('PUT', '/api/rules', { policy: {}, rules: [] });
    expect(noRules.status).toBe(400);
    expect(noRules.body.error).toContain('invalid rule set');
    const badCondition = await test.admin('PUT', '/api/rules', { ...defaultRules, rules: [{ ...defaultRules.rules[0]!, id: 'typo', when: 'visitCount >' }] });
    expect(badCondition.status).toBe(400);
    expect(badCondition.body.error).toContain('rule typo');
    const playlist = { id: 'morning', slides: [{ id: 's1', kind: 'text', title: 'Good morning', durationMs: 5000 }] };
    const badPlaylist = await test.admin('PUT', '/api/playlists/morning', { id: 'morning', slides: [] });
    expect(badPlaylist.status).toBe(400);
    const putPlaylist = await test.admin('PUT', '/api/playlists/morning', playlist);
    expect(putPlaylist.status).toBe(200);
    expect((await test.admin('PUT', '/api/playlists/evening', playlist)).status).toBe(400);
    const catalogue = [{ sku: 'LAT', name: 'Latte', category: 'coffee', price: 320, modifiers: [] }];
    expect((await test.admin('PUT', '/api/catalogue', catalogue)).status).toBe(200);
    expect((await test.admin('PUT', '/api/catalogue', [{ sku: 'LAT', price: -1 }])).status).toBe(400);
    const empty = await test.admin('PUT', '/api/catalogue', []);
    expect(empty.status).toBe(400);
    expect(empty.body.error).toContain('at least one product');

    for (const socket of [a, b]) {
      const { changes } = await pullAll(socket);
      const byCollection = Object.fromEntries(changes.map((c) => [c.collection, c]));
      expect(byCollection.rules).toMatchObject({ key: 'default', data: { version: 2 } });
      expect(byCollection.catalogue).toMatchObject({ key: 'default', data: catalogue });
      expect(byCollection.playlists).toMatchObject({ key: 'morning', data: playlist });
    }
  });

  it('with scope.homeRegion, every store of a profile\'s home region holds it, a store joining the region included', async () => {
    test = await startTestServer({ scope: { homeRegion: true } });
    for (const [id, region] of [['LDN-1', 'UK'], ['LDN-2', 'UK'], ['PAR-1', 'FR']]) {
      expect((await test.admin('POST', '/api/stores', { id, name: id, region })).status).toBe(201);
    }
    const ldn2 = await connectDevice(test, await pairDevice(test, 'LDN-2'));
    const par1 = await connectDevice(test, await pairDevice(test, 'PAR-1'));
    expect((await test.admin('PUT', '/api/profiles/p-uk', profileBody(1))).status).toBe(201);
    expect((await test.admin('PUT', '/api/stores/LDN-1/profiles/p-uk', { home: true })).body).toMatchObject({ heldBy: ['LDN-1', 'LDN-2'] });
    const profileKeys = (changes: Change[], op: Change['op'] = 'upsert') => changes.filter((c) => c.collection === 'profiles' && c.op === op).map((c) => c.key);
    const london = await pullAll(ldn2);
    expect(profileKeys(london.changes)).toEqual(['p-uk']);
    expect(profileKeys((await pullAll(par1)).changes)).toEqual([]);

    // A store opened later in the region is sent the region's profiles in the background.
    expect((await test.admin('POST', '/api/stores', { id: 'LDN-3', name: 'LDN-3', region: 'UK' })).status).toBe(201);
    await test.server.regionRescopes.idle();
    expect(profileKeys((await pullAll(await connectDevice(test, await pairDevice(test, 'LDN-3')))).changes)).toEqual(['p-uk']);

    // Moving home to Paris takes the profile out of London's other stores (LDN-1 keeps its assignment).
    expect((await test.admin('PUT', '/api/stores/PAR-1/profiles/p-uk', { home: true })).body).toMatchObject({ heldBy: ['LDN-1', 'PAR-1'] });
    expect(profileKeys((await pullAll(ldn2, london.cursor)).changes, 'delete')).toEqual(['p-uk']);
    expect(profileKeys((await pullAll(par1)).changes)).toEqual(['p-uk']);
  });

  it('brings the stores in line when scope.homeRegion is turned off, and on again, between runs', async () => {
    const dataDir = temp.make('sync-server-region-');
    test = await startTestServer({ dataDir, scope: { homeRegion: true } });
    for (const id of ['LDN-1', 'LDN-2']) expect((await test.admin('POST', '/api/stores', { id, name: id, region: 'UK' })).status).toBe(201);
    for (const n of [1, 2, 3]) {
      expect((await test.admin('PUT', `/api/profiles/p-${n}`, profileBody(n))).status).toBe(201);
      await test.admin('PUT', `/api/stores/LDN-1/profiles/p-${n}`, { home: true });
    }
    const heldBy = async (): Promise<string[][]> =>
      Promise.all([1, 2, 3].map(async (n) => ((await test!.admin('GET', `/api/profiles/p-${n}`)).body as { heldBy: string[] }).heldBy));
    expect(await heldBy()).toEqual([['LDN-1', 'LDN-2'], ['LDN-1', 'LDN-2'], ['LDN-1', 'LDN-2']]);

    // Off: LDN-2 held them only by region, and loses them (a tombstone each).
    await test.stop();
    test = await startTestServer({ dataDir, scope: { homeRegion: false } });
    await test.server.regionRescopes.idle();
    expect(await heldBy()).toEqual([['LDN-1'], ['LDN-1'], ['LDN-1']]);
    const ldn2 = await connectDevice(test, await pairDevice(test, 'LDN-2'));
    expect((await pullAll(ldn2)).changes.filter((c) => c.collection === 'profiles').map((c) => [c.key, c.op])).toEqual([
      ['p-1', 'delete'], ['p-2', 'delete'], ['p-3', 'delete'],
    ]);

    // On again: they come back; a restart with the setting unchanged changes nothing.
    await test.stop();
    test = await startTestServer({ dataDir, scope: { homeRegion: true } });
    await test.server.regionRescopes.idle();
    expect(await heldBy()).toEqual([['LDN-1', 'LDN-2'], ['LDN-1', 'LDN-2'], ['LDN-1', 'LDN-2']]);
  });

  it('revokes a device: the socket hears device.revoked, is disconnected, and cannot come back', async () => {
    test = await startTestServer();
    const device = await pairDevice(test, 'S1');
    const socket = await connectDevice(test, device);
    const revoked = new Promise<void>((resolve) => socket.once('device.revoked', resolve));
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    const response = await test.admin('POST', `/api/devices/${device.deviceId}/revoke`);
    expect(response).toMatchObject({ status: 200, body: { deviceId: device.deviceId, disconnected: 1 } });
    await revoked;
    expect(await disconnected).toBe('io server disconnect');
    await expect(connectDevice(test, device)).rejects.toThrow('unauthorized');
    expect((await test.admin('GET', '/api/devices')).body.devices[0]).toMatchObject({ state: 'revoked', online: false });
    expect((await test.admin('POST', '/api/devices/nope/revoke')).status).toBe(404);
  });
});

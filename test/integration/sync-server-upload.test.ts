/**
 * Store → head office over real Socket.IO: outbox batches stored once and acked after the
 * commit, clock skew corrected, and events folded into the unified profile, which then
 * flows to every store that holds it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '../../protocol/events';
import {
  ask, connectDevice, nextPoke, pairDevice, profileBody, pullAll, pullPage, startTestServer, trackEvent, type TestServer,
} from '../../sync-server/testing/test-server';

let test: TestServer | undefined;
afterEach(async () => {
  await test?.stop();
  test = undefined;
});

describe('sync server: stores to head office', () => {
  it('stores a batch once: the replay is acked again and counted as duplicates in /metrics', async () => {
    test = await startTestServer();
    const device = await pairDevice(test, 'S1');
    const socket = await connectDevice(test, device);
    const events = [1, 2, 3].map(() => trackEvent('S1', EVENT_NAMES.zoneEntered, { anonymousId: 'beacon-1', properties: { zone: 'door' } }));
    const ids = events.map((e) => e.event.messageId);

    const first = await ask(socket, 'outbox.upload', { events });
    expect(first).toEqual({ acked: ids, rejected: [] });
    const replay = await ask(socket, 'outbox.upload', { events });
    expect(replay).toEqual({ acked: ids, rejected: [] });

    const metrics = (await test.admin('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/^sync_events_received_total 3$/m);
    expect(metrics).toMatch(/^sync_events_duplicate_total 3$/m);
    expect(metrics).toMatch(/^sync_connected_devices 1$/m);
    expect(metrics).toMatch(new RegExp(`^sync_device_lag_versions\\{device_id="${device.deviceId}",store_id="S1"\\} 0$`, 'm'));
    expect((await test.admin('GET', '/api/devices')).body.devices[0]).toMatchObject({ eventsReceived: 3 });
  });

  it('rejects bad events one by one with a reason and stores the good ones', async () => {
    test = await startTestServer();
    const socket = await connectDevice(test, await pairDevice(test, 'S1'));
    const good = trackEvent('S1', EVENT_NAMES.zoneEntered, { anonymousId: 'b1' });
    const otherStore = trackEvent('S2', EVENT_NAMES.zoneEntered, { anonymousId: 'b1' });
    const noIdentity = trackEvent('S1', EVENT_NAMES.zoneEntered, {});
    const badOrder = trackEvent('S1', EVENT_NAMES.orderCompleted, { userId: 'p1', properties: { total: 'lots' } });
    const response = await ask(socket, 'outbox.upload', {
      events: [good, otherStore, noIdentity, badOrder, { seq: 'x', event: { messageId: 'not-a-uuid' } } as never],
    });
    if ('error' in response) throw new Error(response.error);
    expect(response.acked).toEqual([good.event.messageId]);
    expect(response.rejected).toHaveLength(4);
    expect(response.rejected[0]).toMatchObject({ messageId: otherStore.event.messageId, reason: expect.stringMatching(/store S2.*S1/) });
    expect(response.rejected[1]).toMatchObject({ messageId: noIdentity.event.messageId, reason: expect.stringMatching(/userId or an anonymousId/) });
    expect(response.rejected[2]).toMatchObject({ messageId: badOrder.event.messageId, reason: expect.stringMatching(/properties.total/) });
    expect(response.rejected[3]).toMatchObject({ messageId: 'not-a-uuid' });
    expect((await test.admin('GET', '/metrics')).body).toMatch(/^sync_events_rejected_total 4$/m);
  });

  it('corrects the device clock: timestamp = receivedAt - (sentAt - originalTimestamp)', async () => {
    test = await startTestServer();
    const device = await pairDevice(test, 'S1');
    await test.admin('PUT', '/api/profiles/p1', profileBody(1));
    const socket = await connectDevice(test, device);
    // The device clock runs 2 hours fast; the event happened 30 s before upload.
    const serverNow = test.clock.now;
    const deviceSent = new Date(serverNow + 2 * 3600_000);
    const deviceEventAt = new Date(deviceSent.getTime() - 30_000);
    const event = trackEvent('S1', EVENT_NAMES.customerRecognized, {
      userId: 'p1', at: deviceEventAt, sentAt: deviceSent, properties: { method: 'beacon', newVisit: true },
    });
    const response = await ask(socket, 'outbox.upload', { events: [event] });
    expect(response).toMatchObject({ acked: [event.event.messageId] });

    const profile = (await test.admin('GET', '/api/profiles/p1')).body;
    const stored = profile.timeline.find((e: { messageId: string }) => e.messageId === event.event.messageId);
    expect(stored).toMatchObject({
      originalTimestamp: deviceEventAt.toISOString(),
      receivedAt: new Date(serverNow).toISOString(),
      timestamp: new Date(serverNow - 30_000).toISOString(),
      storeId: 'S1',
      deviceId: device.deviceId,
    });
    expect(profile.profile).toMatchObject({ visitCount: 1, lastVisitAt: new Date(serverNow - 30_000).toISOString() });
  });

  it("applies an Order Completed from store A to the profile, and store B (its home) receives the update", async () => {
    test = await startTestServer();
    const a = await pairDevice(test, 'A');
    const b = await pairDevice(test, 'B');
    await test.admin('PUT', '/api/profiles/p1', profileBody(1, { points: 10 }));
    await test.admin('PUT', '/api/stores/B/profiles/p1', { home: true });
    const socketA = await connectDevice(test, a);
    const socketB = await connectDevice(test, b);
    const { cursor: cursorB } = await pullAll(socketB);
    expect((await pullAll(socketA)).changes).toEqual([]);

    const pokeB = nextPoke(socketB);
    const pokeA = nextPoke(socketA);
    const order = trackEvent('A', EVENT_NAMES.orderCompleted, {
      userId: 'p1',
      properties: {
        order_id: 'o1', total: 7.9, revenue: 7.9, currency: 'GBP',
        products: [{ product_id: 'LAT', sku: 'LAT', name: 'Latte', price: 3.2, quantity: 2 }, { sku: 'CRO', name: 'Croissant', price: 1.5, quantity: 1 }],
      },
    });
    const response = await ask(socketA, 'outbox.upload', { events: [order] });
    expect(response).toEqual({ acked: [order.event.messageId], rejected: [] });
    await Promise.all([pokeA, pokeB]);

    const expected = {
      points: 17,
      purchaseSummary: { lifetimeValue: 7.9, orderCount: 1, favouriteItems: [{ sku: 'LAT', name: 'Latte', count: 2 }, { sku: 'CRO', name: 'Croissant', count: 1 }] },
    };
    const atB = await pullPage(socketB, { cursor: cursorB });
    if ('error' in atB) throw new Error(atB.error);
    expect(atB.changes).toMatchObject([{ collection: 'profiles', key: 'p1', op: 'upsert', data: expected }]);
    // Store A, where the person just was, now holds them too (a visit puts them in scope).
    const atA = await pullAll(socketA);
    expect(atA.changes).toMatchObject([{ key: 'p1', data: expected }]);
    const golden = (await test.admin('GET', '/api/profiles/p1')).body;
    expect(golden.heldBy).toEqual(['A', 'B']);
    expect(golden.scope.visits).toMatchObject([{ storeId: 'A' }]);
  });

  it('enrols and links from a store: the profile is created with that home store and joins the beacon history', async () => {
    test = await startTestServer();
    const device = await pairDevice(test, 'S1');
    const socket = await connectDevice(test, device);
    const userId = '6f1c1b36-0d43-4c9b-a2a6-1c1d0f0b7e11';
    const beacon = 'ibeacon:e2c56db5-dffb-48d2-b060-d0f5a71096e0-1-2';
    const earlier = new Date(test.clock.now - 60_000);
    const anonymous = trackEvent('S1', EVENT_NAMES.zoneEntered, { anonymousId: beacon, at: earlier, properties: { zone: 'window' } });
    await ask(socket, 'outbox.upload', { events: [anonymous] });

    const { cursor } = await pullAll(socket);
    const poke = nextPoke(socket);
    const now = new Date(test.clock.now);
    const enrolled = trackEvent('S1', EVENT_NAMES.customerEnrolled, {
      userId, at: now,
      properties: { firstName: 'Maya', lastName: null, birthday: '--04-12', memberSince: now.toISOString().slice(0, 10), consents: { greetPublic: true, personalisedOffers: false, tracking: true }, channel: 'store-kiosk' },
    });
    const linked = trackEvent('S1', EVENT_NAMES.identityLinked, { userId, anonymousId: beacon, at: now, properties: { kind: 'beacon', channel: 'store-kiosk' } });
    const card = trackEvent('S1', EVENT_NAMES.identityLinked, { userId, at: now, properties: { kind: 'loyalty', value: 'L00000042', channel: 'store-kiosk' } });
    const response = await ask(socket, 'outbox.upload', { events: [enrolled, linked, card] });
    expect(response).toMatchObject({ rejected: [] });
    await poke;

    const page = await pullPage(socket, { cursor });
    if ('error' in page) throw new Error(page.error);
    expect(page.changes).toMatchObject([
      {
        key: userId, op: 'upsert',
        data: {
          id: userId, firstName: 'Maya', birthday: '--04-12', visitCount: 1, points: 0,
          consents: { greetPublic: true, personalisedOffers: false, tracking: true },
          identifiers: [{ kind: 'beacon', value: beacon }, { kind: 'loyalty', value: 'L00000042' }],
        },
      },
    ]);
    const golden = (await test.admin('GET', `/api/profiles/${userId}`)).body;
    expect(golden.homeStoreId).toBe('S1');
    expect(golden.aliases).toEqual([beacon]);
    expect(golden.timeline.map((e: { messageId: string }) => e.messageId)).toContain(anonymous.event.messageId);

    // A second profile claiming the same card is recorded as a conflict, not merged.
    const other = '0b7e1c1b-0d43-4c9b-a2a6-1c1d0f0b6f11';
    const otherEnrol = trackEvent('S1', EVENT_NAMES.customerEnrolled, { userId: other, properties: { firstName: 'Max', consents: { greetPublic: false, personalisedOffers: false, tracking: false } } });
    const otherCard = trackEvent('S1', EVENT_NAMES.identityLinked, { userId: other, properties: { kind: 'loyalty', value: 'L00000042' } });
    await ask(socket, 'outbox.upload', { events: [otherEnrol, otherCard] });
    const conflicted = (await test.admin('GET', `/api/profiles/${other}`)).body;
    expect(conflicted.profile.identifiers).toEqual([]);
    expect(conflicted.identifierConflicts).toMatchObject([{ kind: 'loyalty', value: 'L00000042', ownerProfileId: userId, claimantProfileId: other }]);
    expect((await test.admin('GET', '/metrics')).body).toMatch(/^sync_identifier_conflicts_total 1$/m);
  });

  it('keeps a newer admin edit when an older event arrives later, and an erased person stays erased', async () => {
    test = await startTestServer();
    const socket = await connectDevice(test, await pairDevice(test, 'S1'));
    await test.admin('PUT', '/api/profiles/p1', profileBody(1));
    await test.admin('PUT', '/api/stores/S1/profiles/p1', { home: true });
    // The admin sets the points after the order happened offline in the store...
    const orderedAt = new Date(test.clock.now - 10 * 60_000);
    await test.admin('PUT', '/api/profiles/p1', { points: 500 });
    // ...and the store's upload of it arrives afterwards: already part of the admin's figure.
    const late = trackEvent('S1', EVENT_NAMES.orderCompleted, { userId: 'p1', at: orderedAt, sentAt: new Date(test.clock.now), properties: { total: 12 } });
    await ask(socket, 'outbox.upload', { events: [late] });
    expect((await test.admin('GET', '/api/profiles/p1')).body.profile.points).toBe(500);
    // A later order counts on top.
    const next = trackEvent('S1', EVENT_NAMES.orderCompleted, { userId: 'p1', properties: { total: 3.5 } });
    await ask(socket, 'outbox.upload', { events: [next] });
    expect((await test.admin('GET', '/api/profiles/p1')).body.profile.points).toBe(503);

    expect((await test.admin('DELETE', '/api/profiles/p1')).status).toBe(200);
    const reenrol = trackEvent('S1', EVENT_NAMES.customerEnrolled, { userId: 'p1', properties: { firstName: 'Back', consents: { greetPublic: true, personalisedOffers: true, tracking: true } } });
    const response = await ask(socket, 'outbox.upload', { events: [reenrol] });
    expect(response).toMatchObject({ acked: [reenrol.event.messageId] });
    expect((await test.admin('GET', '/api/profiles/p1')).status).toBe(404);
  });
});

/**
 * Head office's admin API and pairing over real HTTP: the token gate, stores and devices,
 * one-time codes (once only, expiring, rate-limited), body validation and limits.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { connectDevice, pairDevice, startTestServer, type TestServer } from '../../sync-server/testing/test-server';

let test: TestServer | undefined;
afterEach(async () => {
  await test?.stop();
  test = undefined;
});

describe('sync server admin API', () => {
  it('refuses a missing or wrong admin token with 401 and a clear message, but serves /healthz', async () => {
    test = await startTestServer();
    const missing = await test.admin('GET', '/api/stores', undefined, null);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatch(/Authorization: Bearer/);
    const wrong = await test.admin('GET', '/api/stores', undefined, 'not-the-token-not-the-token');
    expect(wrong.status).toBe(401);
    const changeAttempt = await test.admin('POST', '/api/stores', { id: 'S1', name: 'x' }, 'nope');
    expect(changeAttempt.status).toBe(401);
    expect((await test.admin('GET', '/api/stores')).body.stores).toEqual([]);
    expect(await test.admin('GET', '/healthz', undefined, null)).toEqual({ status: 200, body: { ok: true } });
    expect((await test.admin('GET', '/metrics', undefined, null)).status).toBe(401);
  });

  it('creates and lists stores, refusing invalid bodies and duplicates without changing anything', async () => {
    test = await startTestServer();
    expect((await test.admin('POST', '/api/stores', { id: 'LDN-1', name: 'London', region: 'UK' })).status).toBe(201);
    const invalid = await test.admin('POST', '/api/stores', { id: 'bad id!', name: '' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatch(/id/);
    expect((await test.admin('POST', '/api/stores', { id: 'LDN-1', name: 'Again' })).status).toBe(409);
    const stores = (await test.admin('GET', '/api/stores')).body.stores;
    expect(stores).toMatchObject([{ id: 'LDN-1', name: 'London', region: 'UK' }]);
  });

  it('answers 413 for a body over the limit and 400 for one that is not JSON', async () => {
    test = await startTestServer();
    const big = await test.admin('PUT', '/api/rules', { blob: 'x'.repeat(1024 * 1024 + 10) });
    expect(big.status).toBe(413);
    const response = await fetch(`${test.server.url}/api/rules`, {
      method: 'PUT',
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdef', 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
  });

  it('issues a pairing code that works once; the credential connects', async () => {
    test = await startTestServer();
    await test.admin('POST', '/api/stores', { id: 'S1', name: 'One' });
    expect((await test.admin('POST', '/api/stores/NOPE/devices', { name: 'x' })).status).toBe(404);
    const added = await test.admin('POST', '/api/stores/S1/devices', { name: 'till agent' });
    expect(added.status).toBe(201);
    expect(added.body.pairingCode).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    expect(Date.parse(added.body.expiresAt) - test.clock.now).toBe(15 * 60 * 1000);

    const paired = await test.admin('POST', '/api/pair', { code: added.body.pairingCode, deviceName: 'Till 1', appVersion: '2.1.0' }, null);
    expect(paired.status).toBe(200);
    expect(paired.body).toMatchObject({ deviceId: added.body.deviceId, storeId: 'S1' });
    expect(Buffer.from(paired.body.credential, 'base64url').length).toBeGreaterThanOrEqual(32);

    const again = await test.admin('POST', '/api/pair', { code: added.body.pairingCode }, null);
    expect(again.status).toBe(401);
    expect(again.body.error).toMatch(/unknown, already used or expired/);

    const socket = await connectDevice(test, { deviceId: paired.body.deviceId, credential: paired.body.credential, appVersion: '2.1.1' });
    const devices = (await test.admin('GET', '/api/devices')).body.devices;
    expect(devices).toMatchObject([{ deviceId: added.body.deviceId, storeId: 'S1', state: 'paired', online: true, appVersion: '2.1.1', reportedName: 'Till 1' }]);
    socket.disconnect();
  });

  it('refuses an expired code, and a wrong credential cannot connect', async () => {
    test = await startTestServer();
    await test.admin('POST', '/api/stores', { id: 'S1', name: 'One' });
    const added = await test.admin('POST', '/api/stores/S1/devices', { name: 'late agent' });
    test.clock.now += 15 * 60 * 1000 + 1;
    expect((await test.admin('POST', '/api/pair', { code: added.body.pairingCode }, null)).status).toBe(401);

    const device = await pairDevice(test, 'S1');
    await expect(connectDevice(test, { deviceId: device.deviceId, credential: 'x'.repeat(43) })).rejects.toThrow('unauthorized');
    await expect(connectDevice(test, { deviceId: 'no-such-device', credential: device.credential })).rejects.toThrow('unauthorized');
    const metrics = await test.admin('GET', '/metrics');
    expect(metrics.body).toMatch(/^sync_pairing_failures_total 1$/m);
  });

  it('rate-limits pairing attempts per address and counts the failures', async () => {
    test = await startTestServer({ pairing: { attemptsPerMinute: 3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await test.admin('POST', '/api/pair', { code: 'ABCDEFGH' }, null)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await test.admin('POST', '/api/pair', { code: 'ABCDEFGH' }, null);
    expect(limited.body.error).toMatch(/too many requests/);
    expect((await test.admin('GET', '/metrics')).body).toMatch(/^sync_pairing_failures_total 3$/m);
  });
});

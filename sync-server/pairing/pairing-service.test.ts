import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStorage, type TempStorage } from '../testing/temp-storage';
import { credentialMatches, hashCredential } from './device-credential';
import { hashPairingCode } from './pairing-code';
import { PAIRING_REFUSED, PairingService } from './pairing-service';

const TTL = 15 * 60 * 1000;
const key = Buffer.alloc(32, 7);

describe('PairingService', () => {
  let temp: TempStorage;
  let clock: { now: number };
  let pairing: PairingService;

  beforeEach(async () => {
    temp = openTempStorage();
    clock = { now: Date.parse('2030-01-01T09:00:00Z') };
    pairing = new PairingService({ storage: temp.storage, codeKey: key, codeTtlMs: TTL, now: () => clock.now });
    await temp.storage.createStore({ id: 'S1', name: 'One', region: null, createdAt: new Date(clock.now).toISOString() });
  });
  afterEach(() => temp.cleanup());

  it('adds a device only to an existing store, with a code expiring after the TTL', async () => {
    expect(await pairing.addDevice('NOPE', 'x')).toBeUndefined();
    const device = await pairing.addDevice('S1', 'till');
    expect(device).toMatchObject({ expiresAt: new Date(clock.now + TTL).toISOString() });
    // Only the code's hash is stored.
    expect(await temp.storage.getPairingCode(hashPairingCode(device!.pairingCode, key))).toMatchObject({ deviceId: device!.deviceId, usedAt: null });
    expect(await temp.storage.getPairingCode(device!.pairingCode)).toBeUndefined();
  });

  it('pairs once: the code is consumed and only a hash of the credential is kept', async () => {
    const device = (await pairing.addDevice('S1', 'till'))!;
    const outcome = await pairing.pair({ code: device.pairingCode, deviceName: 'Till 1', appVersion: '1.2.3' });
    if (!outcome.ok) throw new Error(outcome.reason);
    expect(outcome.pairing).toMatchObject({ deviceId: device.deviceId, storeId: 'S1' });
    expect(outcome.pairing.credential).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = (await temp.storage.getDevice(device.deviceId))!;
    expect(stored.credentialHash).toBe(hashCredential(outcome.pairing.credential));
    expect(credentialMatches(outcome.pairing.credential, stored.credentialHash!)).toBe(true);
    expect(credentialMatches('x'.repeat(43), stored.credentialHash!)).toBe(false);
    expect(stored).toMatchObject({ reportedName: 'Till 1', appVersion: '1.2.3' });

    expect(await pairing.pair({ code: device.pairingCode })).toEqual({ ok: false, reason: PAIRING_REFUSED });
  });

  it('refuses an expired code, an unknown one, and one whose device was revoked', async () => {
    const expiring = (await pairing.addDevice('S1', 'late'))!;
    const revoked = (await pairing.addDevice('S1', 'stolen'))!;
    await temp.storage.revokeDevice(revoked.deviceId, new Date(clock.now).toISOString());
    expect(await pairing.pair({ code: revoked.pairingCode })).toMatchObject({ ok: false });
    expect(await pairing.pair({ code: 'ABCDEFGH' })).toMatchObject({ ok: false });
    clock.now += TTL - 1;
    const stillValid = (await pairing.addDevice('S1', 'fresh'))!;
    clock.now += 1; // exactly at expiry: gone
    expect(await pairing.pair({ code: expiring.pairingCode })).toEqual({ ok: false, reason: PAIRING_REFUSED });
    expect(await pairing.pair({ code: stillValid.pairingCode })).toMatchObject({ ok: true });
  });
});

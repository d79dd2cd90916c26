import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../main/log/logger';
import { resolveConfig } from '../config';
import { hashCredential } from '../pairing/device-credential';
import { ConnectedDevices } from '../socket/connected-devices';
import type { SyncStorage } from '../storage/sync-storage';
import type { SyncContext } from '../sync-context';
import { openTempStorage, type TempStorage } from '../testing/temp-storage';
import { authenticateDevice, DeviceAuthUnavailable } from './authenticate-device';

const CREDENTIAL = 'c'.repeat(43);

describe('authenticateDevice', () => {
  let temp: TempStorage;
  let closing: boolean;
  let storageFails: boolean;

  beforeEach(async () => {
    temp = openTempStorage();
    closing = false;
    storageFails = false;
    const at = new Date().toISOString();
    await temp.storage.createStore({ id: 'store-a', name: 'A', region: null, createdAt: at });
    await temp.storage.createDevice({ id: 'dev-1', storeId: 'store-a', name: 'till', createdAt: at });
    await temp.storage.completePairing({ deviceId: 'dev-1', credentialHash: hashCredential(CREDENTIAL), reportedName: null, appVersion: '1.0.0', pairedAt: at });
  });

  afterEach(() => temp.cleanup());

  function context(): SyncContext {
    // A disk that fails under the check, on the real storage otherwise.
    const storage = new Proxy(temp.storage, {
      get(target, name) {
        if (name === 'getDevice' && storageFails) return () => Promise.reject(new Error('disk I/O error'));
        return Reflect.get(target, name) as unknown;
      },
    }) as SyncStorage;
    const partial: Pick<SyncContext, 'config' | 'storage' | 'log' | 'devices' | 'isClosing'> = {
      config: resolveConfig({ dataDir: '/nonexistent', adminToken: 'authenticate-device-test-token-0123' }),
      storage,
      log: createLogger('test', 'silent'),
      devices: new ConnectedDevices(),
      isClosing: () => closing,
    };
    return partial as SyncContext;
  }

  it('knows a paired device by its credential and refuses a wrong one or an unknown id alike', async () => {
    expect((await authenticateDevice(context(), { deviceId: 'dev-1', credential: CREDENTIAL }))?.storeId).toBe('store-a');
    expect(await authenticateDevice(context(), { deviceId: 'dev-1', credential: 'x'.repeat(43) })).toBeUndefined();
    expect(await authenticateDevice(context(), { deviceId: 'dev-2', credential: CREDENTIAL })).toBeUndefined();
    expect(await authenticateDevice(context(), { deviceId: 'dev-1' })).toBeUndefined();
  });

  it('says "unavailable", never "unauthorized", while head office shuts down or cannot read its storage: a device told unauthorized forgets its credential', async () => {
    closing = true;
    await expect(authenticateDevice(context(), { deviceId: 'dev-1', credential: CREDENTIAL })).rejects.toBeInstanceOf(DeviceAuthUnavailable);
    closing = false;
    storageFails = true;
    await expect(authenticateDevice(context(), { deviceId: 'dev-1', credential: CREDENTIAL })).rejects.toThrow(/^unavailable: /);
  });
});

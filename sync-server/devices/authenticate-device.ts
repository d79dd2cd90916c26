/**
 * A device's id and credential checked against head office's records: the Socket.IO
 * handshake and the store file download both go through here. Unknown, unpaired or
 * revoked devices and wrong credentials are all the same `undefined`, so a probe learns
 * nothing about which ids exist.
 */
import { deviceAuthSchema } from '../../protocol/sync';
import { credentialMatches } from '../pairing/device-credential';
import type { DeviceRecord } from '../storage/sync-storage';
import type { SyncContext } from '../sync-context';

export const UNAUTHORIZED = 'unauthorized';
/**
 * Not a refusal: head office is shutting down or its storage failed. A device told
 * "unauthorized" forgets its credential, so this must never be said for a passing fault.
 */
export const UNAVAILABLE = 'unavailable';

export class DeviceAuthUnavailable extends Error {
  constructor(reason: string) {
    super(`${UNAVAILABLE}: ${reason}`);
  }
}

/**
 * The device, seen now (with the app version it reports), or undefined when it may not in.
 * Throws DeviceAuthUnavailable when the question cannot be answered now.
 */
export async function authenticateDevice(context: SyncContext, auth: unknown): Promise<DeviceRecord | undefined> {
  if (context.isClosing()) throw new DeviceAuthUnavailable('head office is shutting down');
  const parsed = deviceAuthSchema.safeParse(auth);
  if (!parsed.success) return undefined;
  const { deviceId, credential, appVersion } = parsed.data;
  let device: DeviceRecord | undefined;
  try {
    device = await context.storage.getDevice(deviceId);
  } catch (error) {
    context.log.error({ err: error }, 'device check failed');
    throw new DeviceAuthUnavailable('head office could not check the device');
  }
  if (!device || device.revokedAt !== null || device.credentialHash === null) return undefined;
  if (context.devices.isRevoked(deviceId)) return undefined;
  if (!credentialMatches(credential, device.credentialHash)) return undefined;
  await context.storage.markDeviceSeen(deviceId, new Date(context.config.now()).toISOString(), appVersion);
  return { ...device, appVersion: appVersion ?? device.appVersion };
}

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

/** The device, seen now (with the app version it reports), or undefined when it may not in. */
export async function authenticateDevice(context: SyncContext, auth: unknown): Promise<DeviceRecord | undefined> {
  if (context.isClosing()) return undefined;
  const parsed = deviceAuthSchema.safeParse(auth);
  if (!parsed.success) return undefined;
  const { deviceId, credential, appVersion } = parsed.data;
  const device = await context.storage.getDevice(deviceId);
  if (!device || device.revokedAt !== null || device.credentialHash === null) return undefined;
  if (context.devices.isRevoked(deviceId)) return undefined;
  if (!credentialMatches(credential, device.credentialHash)) return undefined;
  await context.storage.markDeviceSeen(deviceId, new Date(context.config.now()).toISOString(), appVersion);
  return { ...device, appVersion: appVersion ?? device.appVersion };
}

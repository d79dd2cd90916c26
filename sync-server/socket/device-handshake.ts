/**
 * The namespace's gate: a device connects with its id and credential in the handshake's
 * `auth`. Unknown, unpaired or revoked devices and wrong credentials all get the same
 * "unauthorized", so a probe learns nothing about which ids exist.
 */
import { deviceAuthSchema } from '../../protocol/sync';
import { credentialMatches } from '../pairing/device-credential';
import type { SyncContext } from '../sync-context';
import type { DeviceSocket } from './device-socket';

export const UNAUTHORIZED = 'unauthorized';

export function deviceHandshake(context: SyncContext) {
  return (socket: DeviceSocket, next: (error?: Error) => void): void => {
    authenticate(context, socket).then(
      (ok) => next(ok ? undefined : new Error(UNAUTHORIZED)),
      (error: unknown) => {
        context.log.error({ err: error }, 'device handshake failed');
        next(new Error(UNAUTHORIZED));
      },
    );
  };
}

async function authenticate(context: SyncContext, socket: DeviceSocket): Promise<boolean> {
  if (context.isClosing()) return false;
  const auth = deviceAuthSchema.safeParse(socket.handshake.auth);
  if (!auth.success) return false;
  const { deviceId, credential, appVersion } = auth.data;
  const device = await context.storage.getDevice(deviceId);
  if (!device || device.revokedAt !== null || device.credentialHash === null) return false;
  if (context.devices.isRevoked(deviceId)) return false;
  if (!credentialMatches(credential, device.credentialHash)) return false;
  socket.data = { deviceId, storeId: device.storeId, appVersion: appVersion ?? device.appVersion, pullProgress: null };
  await context.storage.markDeviceSeen(deviceId, new Date(context.config.now()).toISOString(), appVersion);
  return true;
}

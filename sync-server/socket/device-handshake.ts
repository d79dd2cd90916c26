/**
 * The namespace's gate: a device connects with its id and credential in the handshake's
 * `auth`. Unknown, unpaired or revoked devices and wrong credentials all get the same
 * "unauthorized", so a probe learns nothing about which ids exist. A server shutting down,
 * or a failure here, is "unavailable": the device keeps its credential and retries.
 */
import { authenticateDevice, UNAUTHORIZED, UNAVAILABLE } from '../devices/authenticate-device';
import type { SyncContext } from '../sync-context';
import type { DeviceSocket } from './device-socket';

export { UNAUTHORIZED };

export function deviceHandshake(context: SyncContext) {
  return (socket: DeviceSocket, next: (error?: Error) => void): void => {
    authenticate(context, socket).then(
      (ok) => next(ok ? undefined : new Error(UNAUTHORIZED)),
      (error: unknown) => {
        context.log.warn({ error: (error as Error).message }, 'device handshake not answered');
        next(new Error(UNAVAILABLE));
      },
    );
  };
}

async function authenticate(context: SyncContext, socket: DeviceSocket): Promise<boolean> {
  const device = await authenticateDevice(context, socket.handshake.auth);
  if (!device) return false;
  socket.data = { deviceId: device.id, storeId: device.storeId, appVersion: device.appVersion, pullProgress: null };
  return true;
}

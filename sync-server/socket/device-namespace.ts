/**
 * The `/device` namespace: the handshake gate, one room per store (for pokes), and the
 * three requests a device makes. Each handler validates its payload and answers through
 * the ack; see safe-handler.ts for what happens to hostile messages.
 */
import { SYNC_NAMESPACE } from '../../protocol/sync';
import type { SyncContext } from '../sync-context';
import { deviceHandshake } from './device-handshake';
import { storeRoom, type DeviceNamespace, type SyncIoServer } from './device-socket';
import { handleChecksum } from './handle-checksum';
import { handlePull } from './handle-pull';
import { handleUpload } from './handle-upload';
import { safeHandler } from './safe-handler';

export function setupDeviceNamespace(io: SyncIoServer, context: SyncContext): DeviceNamespace {
  const namespace = io.of(SYNC_NAMESPACE);
  namespace.use(deviceHandshake(context));
  namespace.on('connection', (socket) => {
    const { deviceId, storeId } = socket.data;
    if (context.devices.isRevoked(deviceId)) {
      // Revoked between the handshake's check and now.
      socket.emit('device.revoked');
      socket.disconnect(true);
      return;
    }
    void socket.join(storeRoom(storeId));
    context.devices.add(socket);
    context.log.info({ deviceId, storeId, appVersion: socket.data.appVersion }, 'device connected');
    socket.on('sync.pull', safeHandler(context, socket, 'sync.pull', (payload) => handlePull(context, socket, payload)));
    socket.on('sync.checksum', safeHandler(context, socket, 'sync.checksum', (payload) => handleChecksum(context, socket, payload)));
    socket.on('outbox.upload', safeHandler(context, socket, 'outbox.upload', (payload) => handleUpload(context, socket, payload)));
    socket.on('disconnect', (reason) => {
      context.devices.remove(socket);
      context.log.info({ deviceId, reason }, 'device disconnected');
      if (!context.isClosing()) {
        context.storage.markDeviceSeen(deviceId, new Date(context.config.now()).toISOString()).catch((error: unknown) => {
          context.log.warn({ err: error, deviceId }, 'could not record last seen');
        });
      }
    });
  });
  return namespace;
}

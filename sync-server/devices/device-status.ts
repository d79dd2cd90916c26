/**
 * A device as the admin sees it: online now or not, when last seen, and how far behind
 * its store's latest change its last pull was (the lag, in versions).
 */
import type { ConnectedDevices } from '../socket/connected-devices';
import type { DeviceCursors } from './device-cursors';
import { ALL_STORES, type DeviceRecord, type StorageOps } from '../storage/sync-storage';

export interface DeviceStatus {
  deviceId: string;
  storeId: string;
  name: string;
  reportedName: string | null;
  state: 'awaiting-pairing' | 'paired' | 'revoked';
  online: boolean;
  appVersion: string | null;
  createdAt: string;
  pairedAt: string | null;
  revokedAt: string | null;
  lastSeenAt: string | null;
  lastCursor: number | null;
  /** Server's latest version for the store − the device's last pulled cursor (0 before its first pull); null unless paired. */
  lag: number | null;
  eventsReceived: number;
}

export async function deviceStatuses(
  storage: Pick<StorageOps, 'listDevices' | 'latestVersions'>,
  connected: ConnectedDevices,
  cursors: DeviceCursors,
): Promise<DeviceStatus[]> {
  const [devices, latest] = await Promise.all([storage.listDevices(), storage.latestVersions()]);
  return devices.map((device) => {
    // A pull reported since the last write to the devices table is newer than the row.
    const pulled = cursors.current(device.id);
    return toStatus(pulled ? { ...device, lastCursor: pulled.cursor, lastSeenAt: pulled.at } : device, latest, connected);
  });
}

function toStatus(device: DeviceRecord, latest: Record<string, number>, connected: ConnectedDevices): DeviceStatus {
  const storeLatest = Math.max(latest[device.storeId] ?? 0, latest[ALL_STORES] ?? 0);
  return {
    deviceId: device.id,
    storeId: device.storeId,
    name: device.name,
    reportedName: device.reportedName,
    state: device.revokedAt !== null ? 'revoked' : device.pairedAt !== null ? 'paired' : 'awaiting-pairing',
    online: connected.isOnline(device.id),
    appVersion: device.appVersion,
    createdAt: device.createdAt,
    pairedAt: device.pairedAt,
    revokedAt: device.revokedAt,
    lastSeenAt: device.lastSeenAt,
    lastCursor: device.lastCursor,
    lag: device.pairedAt !== null && device.revokedAt === null ? Math.max(0, storeLatest - (device.lastCursor ?? 0)) : null,
    eventsReceived: device.eventsReceived,
  };
}

/**
 * Which devices are connected now, and through which sockets: for the admin's online
 * status, the connection gauge, and disconnecting a device the moment it is revoked.
 */
import type { DeviceSocket } from './device-socket';

export class ConnectedDevices {
  private readonly sockets = new Map<string, Set<DeviceSocket>>();
  /** Revoked while this server runs: closes the gap between a handshake's check and its connection. */
  private readonly revoked = new Set<string>();

  add(socket: DeviceSocket): void {
    const { deviceId } = socket.data;
    let set = this.sockets.get(deviceId);
    if (!set) {
      set = new Set();
      this.sockets.set(deviceId, set);
    }
    set.add(socket);
  }

  remove(socket: DeviceSocket): void {
    const set = this.sockets.get(socket.data.deviceId);
    if (!set) return;
    set.delete(socket);
    if (!set.size) this.sockets.delete(socket.data.deviceId);
  }

  isOnline(deviceId: string): boolean {
    return this.sockets.has(deviceId);
  }

  /** Distinct devices connected. */
  get count(): number {
    return this.sockets.size;
  }

  isRevoked(deviceId: string): boolean {
    return this.revoked.has(deviceId);
  }

  /** Tells each of the device's sockets it was revoked, then closes them; returns how many. */
  revoke(deviceId: string): number {
    this.revoked.add(deviceId);
    const set = this.sockets.get(deviceId);
    if (!set) return 0;
    const sockets = [...set];
    for (const socket of sockets) {
      socket.emit('device.revoked');
      // A server-side disconnect: the client does not reconnect on its own after it.
      socket.disconnect(true);
    }
    return sockets.length;
  }
}

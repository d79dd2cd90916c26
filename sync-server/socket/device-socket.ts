/** The typed Socket.IO shapes of the device namespace (protocol/sync.ts). */
import type { Namespace, Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../protocol/sync';

/** Set by the handshake from the device's credential; never from what the device sends later. */
export interface DeviceSocketData {
  deviceId: string;
  storeId: string;
  appVersion: string | null;
  /** The cursor last written to the device's row, to skip rewriting an unchanged one. */
  recordedCursor: number | null;
}

type NoEvents = Record<string, never>;

export type SyncIoServer = Server<ClientToServerEvents, ServerToClientEvents, NoEvents, DeviceSocketData>;
export type DeviceNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, NoEvents, DeviceSocketData>;
export type DeviceSocket = Socket<ClientToServerEvents, ServerToClientEvents, NoEvents, DeviceSocketData>;

export const storeRoom = (storeId: string): string => `store:${storeId}`;

/** The typed Socket.IO shapes of the device namespace (protocol/sync.ts). */
import type { Namespace, Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../protocol/sync';

/** Set by the handshake from the device's credential; never from what the device sends later. */
export interface DeviceSocketData {
  deviceId: string;
  storeId: string;
  appVersion: string | null;
  /** The last pull's `remaining`, so the next page of the same pass need not count again. */
  pullProgress: PullProgress | null;
}

export interface PullProgress {
  collection: string | null;
  /** The cursor the device will send next. */
  after: number;
  remaining: number;
  /** The newest version in the log when `remaining` was counted; later ones are counted apart. */
  countedTo: number;
}

type NoEvents = Record<string, never>;

export type SyncIoServer = Server<ClientToServerEvents, ServerToClientEvents, NoEvents, DeviceSocketData>;
export type DeviceNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, NoEvents, DeviceSocketData>;
export type DeviceSocket = Socket<ClientToServerEvents, ServerToClientEvents, NoEvents, DeviceSocketData>;

export const storeRoom = (storeId: string): string => `store:${storeId}`;

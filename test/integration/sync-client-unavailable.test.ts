/**
 * The agent's SyncClient against a Socket.IO server (real, over TCP) that answers the
 * handshake "unavailable" a few times, as head office does while it shuts down or cannot
 * read its storage: the device keeps its credential and connects once it can.
 */
import { afterEach, expect, it } from 'vitest';
import { createServer, type Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { createLogger } from '../../main/log/logger';
import { Outbox } from '../../main/outbox/outbox';
import { openDatabase, type Db } from '../../main/store/database';
import { ProfileStore } from '../../main/store/profile-store';
import { ChangeApplier } from '../../main/sync/change-applier';
import { readCredential, saveCredential } from '../../main/sync/device-credential';
import { SyncClient } from '../../main/sync/sync-client';
import { SYNC_NAMESPACE } from '../../protocol/sync';
import { tempDirs } from '../helpers/temp-dirs';
import { until } from '../helpers/wait-for';

const temp = tempDirs();
let http: HttpServer | undefined;
let io: Server | undefined;
let client: SyncClient | undefined;
let db: Db | undefined;

afterEach(async () => {
  await client?.stop();
  db?.close();
  await io?.close();
  http?.closeAllConnections();
  temp.removeAll();
});

it('a device told "unavailable" at the handshake keeps its credential and connects when head office can take it', async () => {
  http = createServer();
  io = new Server(http, { serveClient: false });
  let handshakes = 0;
  const namespace = io.of(SYNC_NAMESPACE);
  namespace.use((_socket, next) => {
    handshakes += 1;
    next(handshakes <= 2 ? new Error('unavailable') : undefined);
  });
  namespace.on('connection', (socket) => {
    socket.on('sync.pull', (_request: unknown, ack: (response: unknown) => void) => ack({ changesJson: Buffer.from('[]'), cursor: 0, hasMore: false, remaining: 0 }));
    socket.on('sync.checksum', (request: { collection: string }, ack: (response: unknown) => void) => ack({ collection: request.collection, count: 0, versionSum: 0, upTo: 0 }));
  });
  await new Promise<void>((listening) => http!.listen(0, '127.0.0.1', listening));
  const address = http.address();
  const serverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  db = openDatabase(join(temp.make('soo-unavailable-'), 'store.db'));
  const credential = { serverUrl, deviceId: 'dev-1', storeId: 'store-a', credential: 'c'.repeat(43), pairedAt: new Date().toISOString() };
  saveCredential(db, credential);
  const log = createLogger('test', 'silent');
  const outbox = new Outbox(db, { store: { id: 'store-a' }, device: { id: 'dev-1', type: 'store-agent' }, app: { name: 'test', version: '1.0.0' } });
  const applier = new ChangeApplier(db, new ProfileStore(db), { onRules: () => undefined, onPlaylist: () => undefined, onPlaylistRemoved: () => undefined, onCatalogue: () => undefined }, log);
  client = new SyncClient({
    db,
    config: { serverUrl, uploadBatch: 500, pullBatch: 5000, checksumEveryMs: 3_600_000, storeFile: false },
    applier, outbox, log, appVersion: '1.0.0',
    onIdentity: () => undefined,
  });
  client.start();

  await until(() => client!.status().state === 'online' && client!.status().lastSyncAt !== null, 'online after two refusals', 15_000);
  expect(handshakes).toBe(3);
  expect(readCredential(db)).toEqual(credential);
});

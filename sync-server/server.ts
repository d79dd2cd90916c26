/**
 * Head office's sync server: HTTP (admin API, pairing, health, metrics) and the Socket.IO
 * `/device` namespace on one port, over one SQLite database in the data directory.
 */
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { createLogger } from '../main/log/logger';
import { pokeStores } from './changes/store-poker';
import type { Pokes } from './changes/change-recorder';
import { uploadGroupCommit } from './events/ingest-upload';
import { DeviceCursors } from './devices/device-cursors';
import { HybridLogicalClock } from './clock/hlc';
import { resolveConfig, type SyncServerConfig } from './config';
import { buildHttpApp } from './http/build-http-app';
import { InFlight } from './lifecycle/in-flight';
import { SyncMetrics } from './metrics/sync-metrics';
import { PairingService } from './pairing/pairing-service';
import { withProfileWork } from './profiles/with-profile-work';
import { RegionRescopes } from './profiles/region-rescopes';
import { loadOrCreateSecretFile } from './secrets/secret-file';
import { ConnectedDevices } from './socket/connected-devices';
import { setupDeviceNamespace } from './socket/device-namespace';
import type { DeviceNamespace, SyncIoServer } from './socket/device-socket';
import { openSqliteStorage } from './storage/sqlite-storage';
import type { SyncContext } from './sync-context';
import { StoreFiles } from './store-files/store-files';
import { MIGRATIONS as AGENT_MIGRATIONS } from '../main/store/migrations/index';

export type { SyncServerConfig } from './config';

export interface SyncServer {
  /** http://host:port, for HTTP and Socket.IO alike. */
  url: string;
  port: number;
  io: SyncIoServer;
  /** Regions' profiles being brought in line with scope.homeRegion in the background; `idle()` waits for it. */
  regionRescopes: RegionRescopes;
  /** Graceful: refuses new work, finishes in-flight uploads, closes sockets, then the database. */
  close(): Promise<void>;
}

export const DATABASE_FILE = 'sync.sqlite';
export const PAIRING_KEY_FILE = 'pairing-code.key';
export const STORE_FILES_DIR = 'store-files';
/** How often devices' pull progress is written (devices/device-cursors.ts). */
const CURSOR_FLUSH_MS = 1000;

export async function startSyncServer(input: SyncServerConfig): Promise<SyncServer> {
  const config = resolveConfig(input);
  const log = input.logger ?? createLogger('sync-server');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const codeKey = Buffer.from(
    loadOrCreateSecretFile(join(config.dataDir, PAIRING_KEY_FILE), () => randomBytes(32).toString('base64url')).value,
    'base64url',
  );
  const storage = openSqliteStorage(join(config.dataDir, DATABASE_FILE));

  let closing = false;
  let namespace: DeviceNamespace | undefined;
  const metrics = new SyncMetrics();
  const poke = (pokes: Pokes): void => {
    if (namespace) pokeStores(namespace, pokes);
  };
  const context: SyncContext = {
    config,
    storage,
    hlc: new HybridLogicalClock(config.nodeId, config.now),
    metrics,
    log,
    pairing: new PairingService({ storage, codeKey, codeTtlMs: config.pairing.codeTtlMs, now: config.now }),
    devices: new ConnectedDevices(),
    inFlight: new InFlight(),
    uploads: uploadGroupCommit({ storage, poke, log, metrics }),
    cursors: new DeviceCursors(),
    storeFiles: new StoreFiles({
      dir: join(config.dataDir, STORE_FILES_DIR),
      storage,
      log,
      config: config.storeFiles,
      schema: AGENT_MIGRATIONS.at(-1)!.version,
      onBuilt: () => {
        metrics.storeFilesBuilt += 1;
      },
    }),
    regionRescopes: new RegionRescopes({
      storage,
      log,
      homeRegion: config.scope.homeRegion,
      now: config.now,
      isClosing: () => closing,
      withWork: (run) => withProfileWork(context, run),
    }),
    poke,
    isClosing: () => closing,
  };

  let app;
  try {
    app = await buildHttpApp(context);
    await app.ready();
  } catch (error) {
    await storage.close();
    throw error;
  }
  const io: SyncIoServer = new Server(app.server, {
    serveClient: false,
    maxHttpBufferSize: config.maxSocketMessageBytes,
  });
  // Nothing lives in the main namespace: refuse it rather than hold idle, unauthenticated sockets.
  io.use((_socket, next) => next(new Error('connect to the /device namespace')));
  namespace = setupDeviceNamespace(io, context);

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await io.close();
    await storage.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  // Visits older than the scope window stop holding a profile in that store.
  const sweep = setInterval(() => {
    if (closing) return;
    void context.inFlight
      .track(withProfileWork(context, (work) => work.expireVisits()))
      .then((expired) => expired && log.info({ expired }, 'expired store visits swept'))
      .catch((error: unknown) => log.error({ err: error }, 'visit sweep failed'));
  }, config.scope.sweepIntervalMs);
  sweep.unref();
  const flushCursors = (): Promise<void> =>
    context.cursors.flush(storage).then(
      () => undefined,
      (error: unknown) => log.error({ err: error }, 'device cursors could not be written; retrying'),
    );
  const cursorFlush = setInterval(() => void flushCursors(), CURSOR_FLUSH_MS);
  cursorFlush.unref();

  context.storeFiles.start();
  await context.regionRescopes.start();
  log.info({ url, dataDir: config.dataDir }, 'sync server listening');

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      clearInterval(sweep);
      // Abandons a build between pages and cuts downloads, which would hold the HTTP close.
      const storeFilesClosed = context.storeFiles.close();
      log.info({ inFlight: context.inFlight.size }, 'sync server shutting down');
      // Uploads already being stored finish and are acked; new ones are refused meanwhile.
      await context.inFlight.drain();
      // Closes the device sockets (as a transport close: the agents reconnect to the next
      // server by themselves) and stops the HTTP listener, which waits for every HTTP
      // connection. Idle ones close at once; a request still being answered finishes, and
      // its connection closes once the answer is out (Node applies the keep-alive timeout
      // after each answer; fastify's 72 s would hold the shutdown that long).
      app.server.keepAliveTimeout = 1;
      await io.close();
      await app.close();
      await context.inFlight.drain();
      await context.regionRescopes.close();
      await storeFilesClosed;
      clearInterval(cursorFlush);
      await flushCursors();
      await storage.close();
      log.info('sync server stopped');
    })();
    return closed;
  };

  return { url, port, io, regionRescopes: context.regionRescopes, close };
}

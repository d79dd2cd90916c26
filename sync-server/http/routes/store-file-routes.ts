/**
 * Store files (store-files/store-files.ts). A device downloads its own store's file, never
 * another's: the store comes from its credential, checked as at the Socket.IO handshake.
 * An admin sees a store's file and can have it built at once.
 */
import { open } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { STORE_FILE_HEADERS, STORE_FILE_PATH, storeFileQuerySchema } from '../../../protocol/sync';
import { authenticateDevice, UNAUTHORIZED } from '../../devices/authenticate-device';
import type { StoreFileMeta } from '../../store-files/store-files';
import { HttpError } from '../http-error';
import { parseWith } from '../parse-body';
import type { RouteKit } from '../build-http-app';

/** A device asks once per start; this bounds a misbehaving one, not a fleet behind one address. */
const DOWNLOADS_PER_MINUTE = 120;

function bearer(value: string | undefined): string | undefined {
  return value?.startsWith('Bearer ') ? value.slice('Bearer '.length) : undefined;
}

export function registerStoreFileRoutes(app: FastifyInstance, { context, admin }: RouteKit): void {
  app.get(STORE_FILE_PATH, { config: { rateLimit: { max: DOWNLOADS_PER_MINUTE, timeWindow: 60_000 } } }, async (request, reply) => {
    const deviceId = request.headers[STORE_FILE_HEADERS.deviceId];
    const device = await authenticateDevice(context, { deviceId, credential: bearer(request.headers.authorization) });
    if (!device) {
      request.log.warn({ ip: request.ip }, 'store file refused: unauthorized');
      throw new HttpError(401, UNAUTHORIZED);
    }
    const { schema } = parseWith(storeFileQuerySchema, request.query, 'query');
    const meta = context.storeFiles.current(device.storeId);
    if (!meta) throw new HttpError(404, `no store file for store ${device.storeId} yet: pull changes`);
    if (meta.schema !== schema) throw new HttpError(409, `the store file has schema ${meta.schema}, this device ${schema}: pull changes`);
    // Opened before answering: a rebuild may replace the file's name, never an open file.
    const handle = await open(context.storeFiles.path(meta));
    context.metrics.storeFilesServed += 1;
    request.log.info({ deviceId: device.id, storeId: device.storeId, version: meta.version, profiles: meta.profiles }, 'store file sent');
    return reply
      .header('content-type', 'application/vnd.sqlite3')
      .header('content-length', meta.bytes)
      .header(STORE_FILE_HEADERS.version, meta.version)
      .header(STORE_FILE_HEADERS.schema, meta.schema)
      .header(STORE_FILE_HEADERS.sha256, meta.sha256)
      .header(STORE_FILE_HEADERS.profiles, meta.profiles)
      .send(handle.createReadStream());
  });

  const described = (meta: StoreFileMeta): Omit<StoreFileMeta, 'file'> => {
    const { file: _file, ...rest } = meta;
    return rest;
  };

  app.get<{ Params: { storeId: string } }>('/api/stores/:storeId/store-file', admin, async (request) => {
    const meta = context.storeFiles.current(request.params.storeId);
    if (!meta) throw new HttpError(404, `no store file for store ${request.params.storeId}`);
    return described(meta);
  });

  /** Builds the store's file now (a big import, a new region): answers when it is built. */
  app.post<{ Params: { storeId: string } }>('/api/stores/:storeId/store-file', admin, async (request) => {
    const { storeId } = request.params;
    if (!(await context.storage.getStore(storeId))) throw new HttpError(404, `no store ${storeId}`);
    const meta = await context.storeFiles.build(storeId);
    if (!meta) throw new HttpError(409, `store ${storeId} has nothing to sync yet`);
    return described(meta);
  });
}

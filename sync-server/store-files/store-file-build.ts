/**
 * One store file build, driven from the server's thread: the store's changes are read a
 * page at a time through the storage interface (as a device would pull them, so any
 * backend serves), and written on a worker thread (store-file-build-worker.ts). The file
 * covers every change up to the last page's version; whatever changes meanwhile comes
 * after that cursor, and a device taking the file pulls it from there.
 */
import { createHash } from 'node:crypto';
import { createReadStream, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../main/log/logger';
import { encodeChanges } from '../changes/encode-changes';
import type { StorageOps } from '../storage/sync-storage';
import type { WrittenStoreFile } from './store-file-writer';

export interface StoreFileMeta {
  storeId: string;
  /** The file's name in the store-files directory. */
  file: string;
  /** The cursor it covers. */
  version: number;
  /** The agent schema (user_version) it was built with. */
  schema: number;
  profiles: number;
  bytes: number;
  sha256: string;
  builtAt: string;
  buildMs: number;
}

export interface BuildWorkerData {
  entry: string;
  file: string;
  logLevel: string;
}

export type BuildRequest = { id: number; type: 'page'; changesJson: Uint8Array; cursor: number } | { id: number; type: 'finish' } | { id: number; type: 'abandon' };
/** A request before it is numbered. */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;
export type BuildReply = { id: number; error?: string; written?: WrittenStoreFile };

/** Changes per page read and handed over; pages in flight to the worker at once. */
const PAGE = 5000;
const IN_FLIGHT = 2;

export class StoreFileBuildError extends Error {}

/** A worker thread that answers requests in order. */
class BuildWorker {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (reply: BuildReply) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(file: string, logLevel: string) {
    const entry = new URL('./store-file-build-worker.ts', import.meta.url).href;
    // The server runs from source: a worker does not inherit tsx's loader (main/sync/source-worker.mjs).
    this.worker = new Worker(new URL('../../main/sync/source-worker.mjs', import.meta.url), { workerData: { entry, file, logLevel } satisfies BuildWorkerData });
    this.worker.on('message', (reply: BuildReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.error !== undefined) waiting?.reject(new StoreFileBuildError(reply.error));
      else waiting?.resolve(reply);
    });
    const fail = (error: Error): void => {
      this.failure ??= error;
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', (error) => fail(new StoreFileBuildError(`store file worker failed: ${error.message}`)));
    this.worker.on('exit', (code) => fail(new StoreFileBuildError(`store file worker exited (${code})`)));
  }

  request(request: Unnumbered<BuildRequest>, transfer: ArrayBuffer[] = []): Promise<BuildReply> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  async terminate(): Promise<void> {
    this.failure ??= new StoreFileBuildError('store file worker stopped');
    await this.worker.terminate();
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

export interface BuildOptions {
  storage: StorageOps;
  storeId: string;
  /** What the store's files are named from. */
  fileStem: string;
  /** The store-files directory. */
  dir: string;
  log: Logger;
  /** Checked between pages: a stopping server abandons the build. */
  isClosing: () => boolean;
}

/** Builds the store's file in `dir`; undefined when the store has no changes at all. */
export async function buildStoreFile({ storage, storeId, fileStem, dir, log, isClosing }: BuildOptions): Promise<StoreFileMeta | undefined> {
  const started = Date.now();
  const building = join(dir, `${fileStem}.building.db`);
  const worker = new BuildWorker(building, log.level);
  let finished = false;
  try {
    let after = 0;
    const inFlight: Array<Promise<BuildReply>> = [];
    for (;;) {
      if (isClosing()) throw new StoreFileBuildError('the server is stopping');
      const rows = await storage.changesSince({ storeId, after }, PAGE);
      if (rows.length === 0) break;
      after = rows.at(-1)!.version;
      const changesJson = encodeChanges(rows);
      const buffer = changesJson.buffer.slice(changesJson.byteOffset, changesJson.byteOffset + changesJson.byteLength) as ArrayBuffer;
      const sent = worker.request({ type: 'page', changesJson: new Uint8Array(buffer), cursor: after }, [buffer]);
      sent.catch(() => undefined);
      inFlight.push(sent);
      if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
      if (rows.length < PAGE) break;
    }
    await Promise.all(inFlight);
    if (after === 0) return undefined;
    if (isClosing()) throw new StoreFileBuildError('the server is stopping');
    const { written } = await worker.request({ type: 'finish' });
    finished = true;
    if (!written) throw new StoreFileBuildError('store file worker finished without saying what it wrote');
    const sha256 = await sha256Of(building);
    if (isClosing()) throw new StoreFileBuildError('the server is stopping');
    // Never the name of a file that may be being sent: two builds can end at one version.
    const name = `${fileStem}.${written.version}.${started.toString(36)}.db`;
    renameSync(building, join(dir, name));
    if (written.invalid > 0) log.warn({ storeId, invalid: written.invalid }, 'store file built without changes the agent refuses');
    return {
      storeId,
      file: name,
      version: written.version,
      schema: written.schema,
      profiles: written.profiles,
      bytes: statSync(join(dir, name)).size,
      sha256,
      builtAt: new Date().toISOString(),
      buildMs: Date.now() - started,
    };
  } catch (error) {
    if (!finished) await worker.request({ type: 'abandon' }).catch(() => undefined);
    throw error;
  } finally {
    await worker.terminate();
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${building}${suffix}`, { force: true });
  }
}

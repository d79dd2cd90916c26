/**
 * Head office's store files (protocol/sync.ts, STORE_FILE_PATH): one per store big enough
 * to need one, kept in `<data dir>/store-files`, each with a JSON sidecar that says what it
 * covers. Built in the background, one at a time: at start, every `checkEveryMs` and when
 * a fresh device found none, a store without a file gets one once it has `minChanges`
 * changes, and a store's file is
 * built again once `rebuildAfterChanges` changes came after it (a device taking an old
 * file pulls more afterwards; it is never wrong, only slower). An admin can ask for a
 * build at once (after a big import).
 *
 * A file older than the erasure of someone in it is removed, and built anew without them:
 * at the erasure (the admin route calls `invalidate`, which also cuts downloads of it in
 * progress), and, should that be missed, before any file is sent and at every check. A
 * device must not receive an erased person even for the moment until the tombstone's pull.
 * Someone leaving the store's scope is no such case: the store held them rightly, and the
 * tombstone after the file removes them.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from '../../main/log/logger';
import type { StorageOps } from '../storage/sync-storage';
import { buildStoreFile, type StoreFileMeta } from './store-file-build';

export type { StoreFileMeta } from './store-file-build';

export interface StoreFilesConfig {
  minChanges: number;
  rebuildAfterChanges: number;
  checkEveryMs: number;
}

export interface StoreFilesDeps {
  dir: string;
  storage: StorageOps;
  log: Logger;
  config: StoreFilesConfig;
  /** The agent schema this server builds files of: a file of another (an older server's) is built again. */
  schema: number;
  onBuilt?: (meta: StoreFileMeta) => void;
}

const SIDECAR = '.json';

/**
 * Files are named by a hash of the store id: ids differ by case ("A", "a"), which some
 * disks do not. The sidecar inside names the store.
 */
function fileStem(storeId: string): string {
  return createHash('sha256').update(storeId).digest('hex').slice(0, 24);
}

function sidecarName(storeId: string): string {
  return `${fileStem(storeId)}${SIDECAR}`;
}

export class StoreFiles {
  private readonly metas = new Map<string, StoreFileMeta>();
  /** One build at a time, in the order asked; a store asked for twice shares its build. */
  private readonly builds = new Map<string, Promise<StoreFileMeta | undefined>>();
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private closed = false;
  /**
   * Connections downloads are being sent on: cut on close, or a slow store's download would
   * hold shutdown for minutes. The connection, not the file's stream: the file may be read
   * whole while a slow store has not drained the answer yet.
   */
  /** Downloads in progress: the connection, and whose store file goes to which device. */
  private readonly sending = new Map<Socket, { storeId: string; deviceId: string }>();

  constructor(private readonly deps: StoreFilesDeps) {
    mkdirSync(deps.dir, { recursive: true, mode: 0o700 });
    this.load();
  }

  /** Starts the background checks: one soon, then every `checkEveryMs`. */
  start(): void {
    const check = (): void => {
      this.checking ??= this.check()
        .catch((error: unknown) => this.deps.log.error({ err: error }, 'store file check failed'))
        .finally(() => {
          this.checking = undefined;
        });
    };
    this.timer = setInterval(check, this.deps.config.checkEveryMs);
    this.timer.unref();
    setImmediate(check);
  }

  /** The store's current file, if it has one of this server's schema. */
  current(storeId: string): StoreFileMeta | undefined {
    return this.metas.get(storeId);
  }

  /**
   * The store's file if it may be sent now: none when a profile tombstone of the store came
   * after it. Such a file is removed at once and built again (without waiting for it).
   */
  async sendable(storeId: string): Promise<StoreFileMeta | undefined> {
    const meta = this.metas.get(storeId);
    if (!meta || !(await this.outdated(meta))) return meta;
    this.invalidate([storeId]);
    return undefined;
  }

  /**
   * Someone in these stores' files was erased: the files go now, downloads of them in
   * progress are cut, and new ones are built.
   */
  invalidate(storeIds: Iterable<string>): void {
    for (const storeId of storeIds) {
      const meta = this.metas.get(storeId);
      if (!meta) continue;
      this.drop(meta);
      for (const [connection, sendingTo] of this.sending) if (sendingTo.storeId === storeId) connection.destroy();
      if (!this.closed) this.build(storeId).catch((error: unknown) => this.deps.log.error({ storeId, error: (error as Error).message }, 'store file build failed'));
    }
  }

  /**
   * A download's connection, cut if the server closes, the file is invalidated, or the
   * device is revoked, before the answer is through. Kept until the answer's 'close' (once
   * all of it is handed to the system; a keep-alive connection then carries other requests).
   */
  track(response: ServerResponse, storeId: string, deviceId: string): void {
    const connection = response.socket;
    if (!connection) return;
    if (this.closed) {
      connection.destroy();
      return;
    }
    this.sending.set(connection, { storeId, deviceId });
    response.once('close', () => this.sending.delete(connection));
  }

  /** A revoked device's downloads stop now, as its sockets do: its credential no longer entitles it to the file. */
  cutDownloadsOf(deviceId: string): number {
    let cut = 0;
    for (const [connection, sendingTo] of this.sending) {
      if (sendingTo.deviceId !== deviceId) continue;
      connection.destroy();
      cut += 1;
    }
    return cut;
  }

  get closing(): boolean {
    return this.closed;
  }

  path(meta: StoreFileMeta): string {
    return join(this.deps.dir, meta.file);
  }

  /** Builds the store's file now (after any build already queued); undefined when the store has no changes. */
  build(storeId: string): Promise<StoreFileMeta | undefined> {
    const running = this.builds.get(storeId);
    if (running) return running;
    const build = this.queue.then(() => this.runBuild(storeId));
    const tracked = build.finally(() => this.builds.delete(storeId));
    this.builds.set(storeId, tracked);
    this.queue = tracked.catch(() => undefined);
    return tracked;
  }

  /** One pass of the background policy over every store. */
  async check(): Promise<void> {
    for (const store of await this.deps.storage.listStores()) {
      if (this.closed) return;
      await this.checkStore(store.id);
    }
  }

  /**
   * The policy for one store: also asked when a fresh device found no file, so a store
   * imported since the last pass has one for its next device rather than in 15 minutes.
   */
  async checkStore(storeId: string): Promise<void> {
    const { minChanges, rebuildAfterChanges } = this.deps.config;
    if (this.closed || this.builds.has(storeId)) return;
    const meta = this.metas.get(storeId);
    if (meta && (await this.outdated(meta))) {
      this.invalidate([storeId]);
      return;
    }
    const since = await this.deps.storage.countChangesSince({ storeId, after: meta?.version ?? 0 });
    const due = meta ? since >= rebuildAfterChanges : since >= minChanges;
    if (!due) return;
    try {
      await this.build(storeId);
    } catch (error) {
      if (this.closed) return;
      this.deps.log.error({ storeId, error: (error as Error).message }, 'store file build failed; devices pull changes meanwhile');
    }
  }

  /**
   * Stops checking, abandons a build in progress (it notices between pages) and cuts
   * downloads in progress (the devices pull pages or ask again after the restart).
   */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const connection of this.sending.keys()) connection.destroy();
    await this.queue;
    await this.checking;
  }

  private async outdated(meta: StoreFileMeta): Promise<boolean> {
    return (await this.deps.storage.countErasuresSince(meta.storeId, meta.version)) > 0;
  }

  private drop(meta: StoreFileMeta): void {
    // A newer file may have taken its place while the caller waited: that one stays.
    if (this.metas.get(meta.storeId) !== meta) return;
    this.metas.delete(meta.storeId);
    rmSync(join(this.deps.dir, sidecarName(meta.storeId)), { force: true });
    rmSync(this.path(meta), { force: true });
    this.deps.log.info({ storeId: meta.storeId, version: meta.version }, 'store file removed: someone in it was erased');
  }

  private async runBuild(storeId: string): Promise<StoreFileMeta | undefined> {
    if (this.closed) return undefined;
    const meta = await buildStoreFile({ storage: this.deps.storage, storeId, fileStem: fileStem(storeId), dir: this.deps.dir, log: this.deps.log, isClosing: () => this.closed });
    if (!meta) return undefined;
    // The sidecar is what makes a file current: written whole, then renamed into place.
    const sidecar = join(this.deps.dir, sidecarName(storeId));
    writeFileSync(`${sidecar}.tmp`, JSON.stringify(meta, null, 2));
    renameSync(`${sidecar}.tmp`, sidecar);
    const previous = this.metas.get(storeId);
    this.metas.set(storeId, meta);
    // A download of the previous file already open keeps reading it (the open file outlives its name).
    if (previous && previous.file !== meta.file) rmSync(this.path(previous), { force: true });
    this.deps.onBuilt?.(meta);
    this.deps.log.info({ storeId, profiles: meta.profiles, version: meta.version, mib: Math.round(meta.bytes / 2 ** 20), ms: meta.buildMs }, 'store file built');
    return meta;
  }

  /** The files a previous run left: sidecars whose file is whole and of this schema; anything else is removed. */
  private load(): void {
    const kept = new Set<string>();
    for (const name of readdirSync(this.deps.dir)) {
      if (!name.endsWith(SIDECAR)) continue;
      try {
        const meta = JSON.parse(readFileSync(join(this.deps.dir, name), 'utf8')) as StoreFileMeta;
        if (meta.schema === this.deps.schema && statSync(this.path(meta)).size === meta.bytes) {
          this.metas.set(meta.storeId, meta);
          kept.add(meta.file);
          kept.add(name);
          continue;
        }
      } catch (error) {
        this.deps.log.warn({ sidecar: name, error: (error as Error).message }, 'unreadable store file sidecar; building again');
      }
      rmSync(join(this.deps.dir, name), { force: true });
    }
    // Half-built files, files of an older schema, files a newer build replaced.
    for (const name of readdirSync(this.deps.dir)) if (!kept.has(name)) rmSync(join(this.deps.dir, name), { force: true });
  }
}

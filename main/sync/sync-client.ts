/**
 * The store's link to head office: pairs on first start, keeps one Socket.IO connection
 * (reconnecting with backoff and jitter), pulls changes from its durable cursor on connect
 * and on every poke, uploads the outbox, and checks collection checksums now and then.
 * Nothing here blocks recognition: it all runs between MQTT messages, in bounded batches.
 */
import { io } from 'socket.io-client';
import {
  COLLECTIONS,
  SYNC_NAMESPACE,
  type CollectionChecksum,
  type Collection,
  type PullResponse,
  type SyncError,
} from '../../protocol/sync';
import type { AgentStatus } from '../../protocol/bridge';
import type { SyncConfig } from '../config/agent-config';
import type { Db } from '../store/database';
import type { Outbox } from '../outbox/outbox';
import type { Logger } from '../log/logger';
import type { ChangeApplier } from './change-applier';
import { forgetCredential, readCredential, saveCredential, type DeviceCredential } from './device-credential';
import { pairDevice, PairingError } from './pairing';
import { SyncRequestError, uploadOutbox, type DeviceSocket } from './outbox-uploader';
import { versionOfChecked, type CheckedChange } from './page-check';
import { inThreadPageChecker, type PageChecker } from './page-checker';
import { downloadStoreFile, removeStoreFileDownload, StoreFileError, storeFileDownloadPath } from './store-file-download';
import { schemaVersion } from '../store/database';

export type SyncStatus = AgentStatus['sync'];

export interface SyncClientDeps {
  db: Db;
  config: SyncConfig;
  applier: ChangeApplier;
  outbox: Outbox;
  log: Logger;
  appVersion: string;
  /** Pairing told us who we are at head office: events from now on carry that identity. */
  onIdentity: (identity: { storeId: string; deviceId: string }) => void;
  /** Where pages are parsed and validated; on this thread unless the agent brings a worker. */
  pageChecker?: PageChecker;
}

const REQUEST_TIMEOUT_MS = 30_000;
/** Pulls before a checksum is compared, while head office is ahead of this device's cursor. */
const CHECKSUM_CATCH_UP_PULLS = 3;
/** Pages held at once: one being written, the next ones checked or on their way. */
const PAGES_IN_HAND = 3;
/** Tries at a store file (a failed download is tried again in the next pass, 5 s later) before pulling pages. */
const STORE_FILE_ATTEMPTS = 2;
/** Changes applied per transaction: 30–50 ms of writing on the benchmark machine, the longest recognition waits for a sync. */
const APPLY_SLICE = 1000;

/** The cursor a slice ending in this change may store: its version, if it is not beyond the page's. */
function sliceCursor(change: CheckedChange | undefined, pageCursor: number): number | undefined {
  const version = change && versionOfChecked(change);
  return version !== undefined && version <= pageCursor ? version : undefined;
}

function keyOf(change: CheckedChange): string {
  return change.kind === 'change' ? change.change.key : change.key;
}

/** A page as received, with its check already started (on the worker, when there is one). */
interface PulledPage {
  response: PullResponse;
  checked: Promise<CheckedChange[]>;
}

export class SyncClient {
  private socket: DeviceSocket | undefined;
  private state: SyncStatus['state'] = 'connecting';
  private lastSyncAt: string | null = null;
  private remaining = 0;
  private lastError: string | null = null;
  private running: Promise<void> | undefined;
  private again = false;
  /** A checksum pass was asked for and has not run yet (a pass already running takes it on its next round). */
  private checksumsDue = false;
  private stopped = false;
  private uploadTimer: NodeJS.Timeout | undefined;
  private checksumTimer: NodeJS.Timeout | undefined;
  private readonly unsubscribeOutbox: () => void;
  private pairingCode: string | undefined;
  private readonly checker: PageChecker;
  private linked: DeviceCredential | undefined;
  /** A store file is asked for once per start (twice if the download fails), by a store that holds nothing from head office yet. */
  private storeFileSettled = false;
  private storeFileFailures = 0;
  private readonly stopping = new AbortController();
  /** Handshakes head office answered "unavailable" since the last connection, for the backoff. */
  private refusedInARow = 0;

  constructor(private readonly deps: SyncClientDeps) {
    this.checker = deps.pageChecker ?? inThreadPageChecker;
    this.pairingCode = deps.config.pairingCode;
    // An event written while online goes up soon, in a batch with its neighbours.
    this.unsubscribeOutbox = deps.outbox.onAppend(() => this.scheduleUpload());
  }

  status(): SyncStatus {
    return { state: this.state, lastSyncAt: this.lastSyncAt, cursor: this.deps.applier.cursor(), remaining: this.remaining, lastError: this.lastError };
  }

  start(): void {
    void this.connect().catch((error: Error) => this.fail(error));
  }

  /**
   * A pairing code typed on the device's own screen. Only an unpaired device takes one: a
   * paired device keeps its credential until head office revokes it.
   */
  pairWith(code: string): SyncStatus['state'] {
    if (this.state !== 'unpaired' && this.state !== 'revoked') throw new SyncRequestError(`this device is ${this.state}, not waiting for a pairing code`);
    this.socket?.disconnect();
    this.socket = undefined;
    this.pairingCode = code;
    this.state = 'pairing';
    this.lastError = null;
    // Pairing may wait on an unreachable server with backoff: the screen follows it in the status.
    void this.connect().catch((error: Error) => this.fail(error));
    return this.state;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort(new SyncRequestError('stopping'));
    this.unsubscribeOutbox();
    clearTimeout(this.uploadTimer);
    clearInterval(this.checksumTimer);
    this.socket?.disconnect();
    await this.running?.catch(() => undefined);
    await this.checker.close();
  }

  private async connect(): Promise<void> {
    const credential = await this.credential();
    if (!credential || this.stopped) return;
    this.linked = credential;
    this.deps.onIdentity({ storeId: credential.storeId, deviceId: credential.deviceId });
    const socket: DeviceSocket = io(new URL(SYNC_NAMESPACE, credential.serverUrl).href, {
      auth: { deviceId: credential.deviceId, credential: credential.credential, appVersion: this.deps.appVersion },
      transports: ['websocket'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 30_000,
      randomizationFactor: 0.5,
    });
    this.socket = socket;
    this.state = 'connecting';
    socket.on('connect', () => {
      this.refusedInARow = 0;
      this.state = 'online';
      this.lastError = null;
      this.deps.log.info({ server: credential.serverUrl }, 'connected to head office');
      this.sync();
      clearInterval(this.checksumTimer);
      this.checksumTimer = setInterval(() => this.sync(true), this.deps.config.checksumEveryMs);
    });
    socket.on('disconnect', (reason) => {
      if (this.state !== 'revoked') this.state = 'offline';
      this.deps.log.warn({ reason }, 'head office link down; working offline');
    });
    socket.on('connect_error', (error) => {
      this.lastError = error.message;
      // A refusal at the handshake is final for this credential: the server will not take it again.
      if (error.message === 'unauthorized') {
        this.state = 'unpaired';
        forgetCredential(this.deps.db);
        this.deps.log.error('head office refused this device; pair it again with a new code');
        return;
      }
      this.state = 'offline';
      // Head office answered but could not let us in now ("unavailable": shutting down, its
      // storage failing). socket.io-client gives up after an answer from the namespace, so
      // this client tries again itself, with backoff and jitter; link failures it retries by itself.
      if (!socket.active && !this.stopped) {
        const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.refusedInARow++, 5)) * (0.5 + Math.random() / 2);
        this.deps.log.warn({ reason: error.message, retryInMs: Math.round(delay) }, 'head office could not take this device now; trying again');
        setTimeout(() => !this.stopped && this.socket === socket && socket.connect(), delay).unref();
      }
    });
    socket.on('sync.poke', () => this.sync());
    socket.on('device.revoked', () => {
      this.state = 'revoked';
      forgetCredential(this.deps.db);
      this.deps.log.error('this device was revoked at head office');
      socket.disconnect();
    });
  }

  private async credential(): Promise<DeviceCredential | undefined> {
    const stored = readCredential(this.deps.db);
    if (stored && stored.serverUrl === this.deps.config.serverUrl) return stored;
    const code = this.pairingCode;
    if (!code) {
      this.state = 'unpaired';
      this.lastError = 'no pairing code configured';
      return undefined;
    }
    this.state = 'pairing';
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        const paired = await pairDevice(this.deps.config.serverUrl, {
          code,
          ...(this.deps.config.deviceName ? { deviceName: this.deps.config.deviceName } : {}),
          appVersion: this.deps.appVersion,
        });
        const credential = { serverUrl: this.deps.config.serverUrl, ...paired, pairedAt: new Date().toISOString() };
        saveCredential(this.deps.db, credential);
        this.deps.log.info({ deviceId: paired.deviceId, storeId: paired.storeId }, 'paired with head office');
        return credential;
      } catch (error) {
        this.lastError = (error as Error).message;
        if (error instanceof PairingError && !error.retryable) {
          this.state = 'unpaired';
          this.pairingCode = undefined;
          this.deps.log.error({ error: this.lastError }, 'pairing failed; a new code is needed');
          return undefined;
        }
        const delay = Math.min(60_000, 1000 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random() / 2);
        await new Promise((done) => setTimeout(done, delay).unref?.());
      }
    }
    return undefined;
  }

  /** Runs one pull-then-upload pass at a time; a poke during a pass asks for one more. */
  private sync(verifyChecksums = false): void {
    if (verifyChecksums) this.checksumsDue = true;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const socket = this.socket;
        if (!socket?.connected) return;
        if (this.deps.config.storeFile && !this.storeFileSettled) {
          // A store that holds anything from head office never takes a file again.
          if (this.deps.applier.isFresh()) await this.takeStoreFile();
          else this.storeFileSettled = true;
        }
        await this.pull(socket);
        await uploadOutbox(socket, this.deps.outbox, this.deps.config.uploadBatch, REQUEST_TIMEOUT_MS);
        if (this.checksumsDue || this.lastSyncAt === null) {
          await this.verifyChecksums(socket);
          this.checksumsDue = false;
        }
        this.lastSyncAt = new Date().toISOString();
      } while (this.again && !this.stopped);
    })()
      .catch((error: Error) => this.fail(error))
      .finally(() => {
        this.running = undefined;
      });
  }

  private scheduleUpload(): void {
    if (this.uploadTimer || !this.socket?.connected) return;
    this.uploadTimer = setTimeout(() => {
      this.uploadTimer = undefined;
      this.sync();
    }, 200);
  }

  /**
   * A fresh store's first sync: head office's store file when it has one for this store
   * (protocol/sync.ts, STORE_FILE_PATH), the pull then starts from the file's cursor.
   * Anything short of a checked, installed file leaves the store as it was, to pull pages.
   */
  private async takeStoreFile(): Promise<void> {
    const credential = this.linked;
    if (!credential) return;
    const liveFile = this.deps.db.name;
    const dest = storeFileDownloadPath(liveFile);
    removeStoreFileDownload(liveFile);
    try {
      const started = Date.now();
      const info = await downloadStoreFile(credential, dest, {
        schema: schemaVersion(this.deps.db),
        signal: this.stopping.signal,
        onProgress: (received, file) => {
          this.remaining = Math.round(file.profiles * (1 - received / file.bytes));
        },
      });
      if (this.stopped) return;
      this.storeFileSettled = true;
      if (!info) {
        this.deps.log.info('head office has no store file for this store; pulling changes instead');
        return;
      }
      const downloadedAt = Date.now();
      const outcome = this.deps.applier.installStoreFile(dest);
      if (!outcome.installed) {
        this.deps.log.warn({ reason: outcome.reason }, 'store file not taken; pulling changes instead');
        return;
      }
      this.deps.log.info(
        {
          profiles: outcome.profiles, version: outcome.version, bytes: info.bytes,
          downloadMs: downloadedAt - started, installMs: Date.now() - downloadedAt, copyMs: outcome.copyMs, checkpointMs: outcome.checkpointMs,
        },
        'first sync from the store file; pulling what changed since',
      );
    } catch (error) {
      if (this.stopped) return;
      const message = (error as Error).message;
      // A download that failed on the way (the link, head office restarting) is worth one
      // more try: pages instead take the store many times longer. The pass fails and is retried.
      if (error instanceof StoreFileError && error.retryable && ++this.storeFileFailures < STORE_FILE_ATTEMPTS) {
        this.deps.log.warn({ error: message }, 'store file failed; trying again');
        throw new SyncRequestError(`store file: ${message}`);
      }
      this.storeFileSettled = true;
      this.deps.log.warn({ error: message }, 'store file failed; pulling changes instead');
    } finally {
      removeStoreFileDownload(liveFile);
    }
  }

  private async pull(socket: DeviceSocket, collection?: Collection, received?: Set<string>): Promise<void> {
    // Pages requested or received and not yet applied. Each page names the next one's cursor,
    // so the next request goes out the moment a page lands (while an earlier one is still being
    // checked or written), up to this many; past that, when a page is done.
    let inHand = 0;
    let waitingForRoom: PullResponse | undefined;
    const queue: Array<Promise<PulledPage>> = [];
    const request = (cursor: number): Promise<PulledPage> => {
      inHand += 1;
      // socket.io-client would hold a request made on a closed socket until its timeout; a
      // page held back for room is asked for after a write, when the link may be gone.
      const sent: Promise<PullResponse | SyncError> = socket.connected
        ? (socket
            .timeout(REQUEST_TIMEOUT_MS)
            .emitWithAck('sync.pull', { cursor, limit: this.deps.config.pullBatch, ...(collection ? { collection } : {}) }) as Promise<PullResponse | SyncError>)
        : Promise.reject(new SyncRequestError('head office link down'));
      const page = sent.then((response) => {
        if ('error' in response) throw new SyncRequestError(`pull refused: ${response.error}`);
        // Checking starts as the page lands, on the worker when there is one.
        const checked = this.checker.check(response.changesJson);
        checked.catch(() => undefined);
        if (response.hasMore) {
          if (inHand < PAGES_IN_HAND) queue.push(request(response.cursor));
          else waitingForRoom = response;
        }
        return { response, checked };
      });
      // Awaited later, or never if applying an earlier page fails: not an unhandled rejection.
      page.catch(() => undefined);
      return page;
    };
    queue.push(request(collection ? 0 : this.deps.applier.cursor()));
    for (;;) {
      // Stopping: what is in hand is dropped (head office sends it again from the cursor). An
      // unfinished pull must not look finished: a collection re-download would then remove
      // every key it had not reached yet.
      if (this.stopped) throw new SyncRequestError('stopping');
      const { response, checked } = await queue.shift()!;
      let changes: CheckedChange[];
      try {
        changes = await checked;
      } catch (error) {
        throw new SyncRequestError(`unreadable page from head office: ${(error as Error).message}`);
      }
      await this.applyPage(changes, response.cursor, collection === undefined);
      if (this.stopped) throw new SyncRequestError('stopping');
      inHand -= 1;
      if (waitingForRoom) {
        queue.push(request(waitingForRoom.cursor));
        waitingForRoom = undefined;
      }
      if (received) for (const change of changes) received.add(keyOf(change));
      if (!collection) this.remaining = response.remaining;
      if (!response.hasMore) return;
    }
  }

  /**
   * A page in slices, each with the cursor of its last change (pages are in version order,
   * so that is a true cursor), yielding between slices so that recognition never waits
   * behind a whole page. A collection re-download must not move the global cursor past
   * other collections' changes, so it stores none.
   */
  private async applyPage(changes: CheckedChange[], pageCursor: number, moveCursor: boolean): Promise<void> {
    let invalid = 0;
    for (let from = 0; from < changes.length || from === 0; from += APPLY_SLICE) {
      const slice = changes.slice(from, from + APPLY_SLICE);
      const last = from + APPLY_SLICE >= changes.length;
      if (from > 0) await new Promise((done) => setImmediate(done));
      // Stopping: the cursor covers the slices written so far.
      if (this.stopped) return;
      // A slice's cursor is its last change's version, when that is a sane one; otherwise
      // the cursor waits for the page's end (a crash then re-applies, which is harmless).
      const cursor = !moveCursor ? undefined : last ? pageCursor : sliceCursor(slice.at(-1), pageCursor);
      invalid += this.deps.applier.applyChecked(slice, cursor).invalid;
    }
    if (invalid > 0) this.deps.log.warn({ invalid }, 'skipped invalid changes from head office');
  }

  private async verifyChecksums(socket: DeviceSocket): Promise<void> {
    let agreed = 0;
    for (const collection of COLLECTIONS) {
      let remote = await this.remoteChecksum(socket, collection);
      // Compared only in step with head office: the changes after this device's cursor (its
      // own upload's visit, a poke on the way) are in head office's sums and not yet here.
      for (let pulls = 0; remote.upTo > this.deps.applier.cursor() && pulls < CHECKSUM_CATCH_UP_PULLS; pulls++) {
        await this.pull(socket);
        remote = await this.remoteChecksum(socket, collection);
      }
      if (remote.upTo > this.deps.applier.cursor()) {
        this.deps.log.info({ collection, cursor: this.deps.applier.cursor(), upTo: remote.upTo }, 'checksum not compared: head office kept changing; the next check compares it');
        continue;
      }
      const local = this.deps.applier.localChecksum(collection);
      if (local.count === remote.count && local.versionSum === remote.versionSum) {
        agreed += 1;
        continue;
      }
      this.deps.log.warn({ collection, local, remote }, 'local copy diverged from head office; downloading that collection again');
      const before = this.deps.applier.keys(collection);
      const received = new Set<string>();
      await this.pull(socket, collection, received);
      this.deps.applier.removeKeys(collection, [...before].filter((key) => !received.has(key)));
    }
    this.deps.log.debug({ agreed, of: COLLECTIONS.length }, 'checksums compared with head office');
  }

  private async remoteChecksum(socket: DeviceSocket, collection: Collection): Promise<CollectionChecksum> {
    const remote = (await socket.timeout(REQUEST_TIMEOUT_MS).emitWithAck('sync.checksum', { collection })) as CollectionChecksum | SyncError;
    if ('error' in remote) throw new SyncRequestError(`checksum refused: ${remote.error}`);
    return remote;
  }

  private fail(error: Error): void {
    if (this.stopped) return;
    this.lastError = error.message;
    this.deps.log.warn({ error: error.message }, 'sync pass failed; retrying');
    if (this.socket?.connected && !this.stopped) setTimeout(() => this.sync(), 5_000).unref();
  }
}

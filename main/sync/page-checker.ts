/**
 * Where sync pages are checked (page-check.ts): big pages on a worker thread when the
 * agent's entry point names one, so that parsing and validating page N+1 overlaps writing
 * page N; small pages, and every page without a worker, on this thread.
 *
 * The worker exists only while there is catching up to do: it starts with the first big
 * page and stops after a while without one, so an agent that is in step with head office
 * (a poke, a page of a few changes) carries no second V8 heap (the agent's memory goal has
 * little room). A worker that fails or exits by itself is not started again: its pages,
 * and every later one, are checked on this thread, and the sync goes on.
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../log/logger';
import { decodeChanges } from '../../protocol/sync';
import { startWorker } from './start-worker';
import { checkChange, unpackChecked, type CheckedChange, type PackedChanges } from './page-check';

export interface PageChecker {
  check(bytes: Uint8Array): Promise<CheckedChange[]>;
  close(): Promise<void>;
}

/** A request to the worker; the page is copied, not transferred, so it can be checked here if the worker dies. */
export interface PageCheckRequest {
  id: number;
  bytes: Uint8Array;
}

export type PageCheckReply = { id: number; packed: PackedChanges } | { id: number; error: string };

/** Changes checked between yields when checking on the agent's thread: about a slice's worth of writing. */
const IN_THREAD_CHUNK = 1000;

/**
 * On the agent's thread, a page is checked a chunk at a time with a yield between chunks,
 * so that a recognition never waits behind a whole page (5,000 profiles are 50–110 ms).
 */
export const inThreadPageChecker: PageChecker = {
  async check(bytes) {
    const changes = decodeChanges(bytes);
    const updatedAt = new Date().toISOString();
    const checked: CheckedChange[] = [];
    for (let from = 0; from < changes.length; from += IN_THREAD_CHUNK) {
      if (from > 0) await new Promise((done) => setImmediate(done));
      for (const raw of changes.slice(from, from + IN_THREAD_CHUNK)) checked.push(checkChange(raw, updatedAt));
    }
    return checked;
  },
  close: () => Promise.resolve(),
};

interface Pending {
  bytes: Uint8Array;
  resolve: (checked: CheckedChange[]) => void;
  reject: (error: Error) => void;
}

export interface WorkerPageCheckerOptions {
  /** Pages smaller than this are checked on this thread: handing them over costs more than it saves. */
  inThreadBelowBytes?: number;
  /** The worker stops after this long without a page. */
  idleMs?: number;
}

/** About 100 profiles: a poke's page, not a first sync's. */
const IN_THREAD_BELOW_BYTES = 64 * 1024;
const IDLE_MS = 30_000;

export class WorkerPageChecker implements PageChecker {
  private worker: Worker | undefined;
  /** Set when a worker failed: from then on everything is checked here. */
  private broken = false;
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readonly inThreadBelowBytes: number;
  private readonly idleMs: number;

  constructor(
    private readonly workerUrl: URL,
    private readonly log: Logger,
    options: WorkerPageCheckerOptions = {},
  ) {
    this.inThreadBelowBytes = options.inThreadBelowBytes ?? IN_THREAD_BELOW_BYTES;
    this.idleMs = options.idleMs ?? IDLE_MS;
  }

  /** Whether a worker thread is running now. */
  get workerRunning(): boolean {
    return this.worker !== undefined;
  }

  check(bytes: Uint8Array): Promise<CheckedChange[]> {
    if (bytes.byteLength < this.inThreadBelowBytes || this.broken || this.closed) return inThreadPageChecker.check(bytes);
    let worker: Worker;
    try {
      worker = this.worker ?? this.start();
    } catch (error) {
      // A platform without worker threads, or a worker file that cannot be named: say so once, check here.
      this.abandon(`sync page worker could not start: ${(error as Error).message}`);
      return inThreadPageChecker.check(bytes);
    }
    clearTimeout(this.idleTimer);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { bytes, resolve, reject });
      worker.postMessage({ id, bytes } satisfies PageCheckRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  private start(): Worker {
    const worker = startWorker(this.workerUrl);
    // It must not keep a stopping agent alive.
    worker.unref();
    worker.on('message', (reply: PageCheckReply) => this.settle(reply));
    // Events of a worker stopped on purpose, or replaced since, are not failures.
    worker.on('error', (error) => this.worker === worker && this.abandon(`sync page worker failed: ${error.message}`));
    worker.on('exit', (code) => this.worker === worker && this.abandon(`sync page worker exited (${code})`));
    this.worker = worker;
    return worker;
  }

  private async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined;
    this.checkHere();
    await worker?.terminate();
  }

  private settle(reply: PageCheckReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) {
      this.idleTimer = setTimeout(() => void this.stop(), this.idleMs);
      this.idleTimer.unref();
    }
    if ('error' in reply) {
      waiting.reject(new Error(reply.error));
      return;
    }
    try {
      waiting.resolve(unpackChecked(reply.packed));
    } catch (error) {
      waiting.reject(error as Error);
    }
  }

  /** The worker is gone: what it was checking is checked here, as is everything after. */
  private abandon(reason: string): void {
    this.worker = undefined;
    this.broken = true;
    clearTimeout(this.idleTimer);
    this.log.error({ reason }, 'checking sync pages on the agent thread from now on');
    this.checkHere();
  }

  /** Pages handed to a worker that is gone are checked on this thread. */
  private checkHere(): void {
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      inThreadPageChecker.check(waiting.bytes).then(waiting.resolve, waiting.reject);
    }
  }
}

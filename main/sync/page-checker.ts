/**
 * Where sync pages are checked (page-check.ts): on a worker thread when the agent's entry
 * point names one, so that parsing and validating page N+1 overlaps writing page N, and
 * here otherwise. A worker that fails or exits is not restarted: its pages, and every later
 * one, are checked on this thread, and the sync goes on.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log/logger';
import { checkPage, unpackChecked, type CheckedChange, type PackedChanges } from './page-check';

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

export const inThreadPageChecker: PageChecker = {
  check: (bytes) => Promise.resolve().then(() => checkPage(bytes)),
  close: () => Promise.resolve(),
};

/**
 * The agent run from source (tsx): a worker does not inherit tsx's loader (tsx issue #354),
 * so it registers it before importing the .ts entry. The built agent starts the .js directly.
 */
function fromSource(workerUrl: URL): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(workerUrl.href)}); });`, { eval: true });
}

interface Pending {
  bytes: Uint8Array;
  resolve: (checked: CheckedChange[]) => void;
  reject: (error: Error) => void;
}

export class WorkerPageChecker implements PageChecker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    workerUrl: URL,
    private readonly log: Logger,
  ) {
    const worker = workerUrl.pathname.endsWith('.ts') ? fromSource(workerUrl) : new Worker(workerUrl);
    // Idle between syncs; it must not keep a stopping agent alive.
    worker.unref();
    worker.on('message', (reply: PageCheckReply) => this.settle(reply));
    worker.on('error', (error) => this.abandon(`sync page worker failed: ${error.message}`));
    worker.on('exit', (code) => this.abandon(`sync page worker exited (${code})`));
    this.worker = worker;
  }

  check(bytes: Uint8Array): Promise<CheckedChange[]> {
    const worker = this.worker;
    if (!worker) return inThreadPageChecker.check(bytes);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { bytes, resolve, reject });
      worker.postMessage({ id, bytes } satisfies PageCheckRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private settle(reply: PageCheckReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
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
    if (!this.worker) return;
    this.worker = undefined;
    this.log.error({ reason }, 'checking sync pages on the agent thread from now on');
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      inThreadPageChecker.check(waiting.bytes).then(waiting.resolve, waiting.reject);
    }
  }
}

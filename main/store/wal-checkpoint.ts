/**
 * Writes a big WAL home without holding the agent's thread. A store file install
 * (store-file-install.ts) leaves its copy in the WAL, half a GiB for a million profiles;
 * copying that into the database took 2–3 s here, as long again as the copy itself. A
 * worker thread does it on its own connection while the agent goes on.
 *
 * Meanwhile the agent's connection must not start the same copy itself: SQLite checkpoints
 * automatically after a commit that leaves the WAL over 1,000 pages, on the committing
 * thread. So its auto-checkpoint is off until the worker is done, then set back.
 */
import { statSync } from 'node:fs';
import type { Logger } from '../log/logger';
import { startWorker } from '../sync/start-worker';
import type { Db } from './database';

export interface WalCheckpointWorkerData {
  file: string;
}

export type WalCheckpointReply =
  | {
      /** Frames in the WAL when the worker started, and how many it copied into the database. */
      frames: number;
      copied: number;
      /** The WAL file was emptied (false when the agent's readers or writers held it past a short wait). */
      truncated: boolean;
      ms: number;
    }
  | { error: string };

export type WalCheckpointOutcome = WalCheckpointReply;

/**
 * A WAL this big when the agent starts (a stop or a crash before the worker was done) is
 * written home by the worker too, rather than by the agent's first commit.
 */
export const LARGE_WAL_BYTES = 64 * 2 ** 20;

function walBytes(db: Db): number {
  try {
    return statSync(`${db.name}-wal`).size;
  } catch {
    return 0;
  }
}

/** The agent's background checkpoints on one database: one run at a time. */
export class WalCheckpointer {
  private running: Promise<WalCheckpointOutcome> | undefined;
  private last: Promise<WalCheckpointOutcome> | undefined;

  constructor(
    private readonly db: Db,
    /** The worker's entry (main/store/wal-checkpoint-worker), as the agent's entry point names it. */
    private readonly workerEntry: URL,
    private readonly log: Logger,
    private readonly largeWalBytes = LARGE_WAL_BYTES,
  ) {}

  /**
   * Has the worker write the WAL home, or joins the run under way (whatever that run leaves
   * is the agent's own auto-checkpoint's again). Never rejects.
   */
  start(): Promise<WalCheckpointOutcome> {
    if (!this.running) {
      const run = checkpointOnWorker(this.db, this.workerEntry, this.log);
      this.running = run;
      this.last = run;
      void run.then(() => {
        if (this.running === run) this.running = undefined;
      });
    }
    return this.running;
  }

  startIfLarge(): void {
    if (walBytes(this.db) > this.largeWalBytes) void this.start();
  }

  /** The latest run's outcome; undefined if none was started. */
  latest(): Promise<WalCheckpointOutcome> | undefined {
    return this.last;
  }

  /**
   * Waits for a run under way, at most `maxMs`. Leaving it running is safe: the agent's
   * connection closing is then not the last one, so it does not checkpoint on close, and a
   * copy cut short leaves the WAL whole for the next start.
   */
  async settle(maxMs: number): Promise<void> {
    if (!this.running) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((done) => (timer = setTimeout(done, maxMs)))]);
    clearTimeout(timer);
  }
}

function checkpointOnWorker(db: Db, workerEntry: URL, log: Logger): Promise<WalCheckpointOutcome> {
  const autoCheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  db.pragma('wal_autocheckpoint = 0');
  return new Promise<WalCheckpointOutcome>((resolve) => {
    let outcome: WalCheckpointOutcome | undefined;
    const settle = (result: WalCheckpointOutcome): void => {
      if (outcome) return;
      outcome = result;
      if (db.open) db.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
      if ('error' in result) log.warn({ error: result.error }, 'background checkpoint failed; the agent will checkpoint by itself');
      else log.info(result, 'store database written home in the background');
      resolve(result);
    };
    try {
      const worker = startWorker(workerEntry, { file: db.name } satisfies WalCheckpointWorkerData);
      // It must not keep a stopping agent alive (see WalCheckpointer.settle).
      worker.unref();
      worker.once('message', (reply: WalCheckpointReply) => settle(reply));
      worker.once('error', (error) => settle({ error: `checkpoint worker failed: ${error.message}` }));
      worker.once('exit', (code) => settle({ error: `checkpoint worker exited (${code}) without an answer` }));
    } catch (error) {
      settle({ error: `checkpoint worker did not start: ${(error as Error).message}` });
    }
  });
}

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
import type { Logger } from '../log/logger';
import { startWorker } from '../sync/start-worker';
import type { Db } from './database';

export interface WalCheckpointWorkerData {
  file: string;
}

export type WalCheckpointReply =
  | {
      /** Frames in the WAL, and copied into the database. */
      frames: number;
      copied: number;
      /** The WAL file was emptied (false when a reader held it past the wait). */
      truncated: boolean;
      ms: number;
    }
  | { error: string };

export type WalCheckpointOutcome = Extract<WalCheckpointReply, { frames: number }> | { error: string };

/**
 * Starts the worker (its entry as the agent's entry point names it, see StartAgentOptions)
 * on `db`'s file. Never rejects: a worker that fails leaves the checkpoint to the agent's
 * connection, whose auto-checkpoint is set back either way.
 */
export function checkpointInBackground(db: Db, workerEntry: URL, log: Logger): Promise<WalCheckpointOutcome> {
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
      // A stopping agent does not wait for it (stopping mid-copy is safe: the WAL stays whole).
      worker.unref();
      worker.once('message', (reply: WalCheckpointReply) => settle(reply));
      worker.once('error', (error) => settle({ error: `checkpoint worker failed: ${error.message}` }));
      worker.once('exit', (code) => settle({ error: `checkpoint worker exited (${code}) without an answer` }));
    } catch (error) {
      settle({ error: `checkpoint worker did not start: ${(error as Error).message}` });
    }
  });
}

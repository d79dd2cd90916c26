/**
 * Worker-thread entry that writes a store database's WAL home (wal-checkpoint.ts) on its
 * own connection, so the agent's thread goes on serving while half a GiB is copied.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { WalCheckpointReply, WalCheckpointWorkerData } from './wal-checkpoint';

if (!parentPort) throw new Error('wal-checkpoint-worker runs as a worker thread of the store agent');
const { file } = workerData as WalCheckpointWorkerData;

interface CheckpointRow {
  busy: number;
  log: number;
  checkpointed: number;
}

/** Frames the agent may have added meanwhile that TRUNCATE may copy itself. */
const FEW_FRAMES = 1000;
const PASSIVE_PASSES = 5;

let reply: WalCheckpointReply;
try {
  const db = new Database(file, { fileMustExist: true });
  try {
    const started = Date.now();
    const checkpoint = (mode: 'PASSIVE' | 'TRUNCATE'): CheckpointRow =>
      (db.pragma(`wal_checkpoint(${mode})`) as CheckpointRow[])[0] ?? { busy: 1, log: 0, checkpointed: 0 };
    // PASSIVE takes no lock the agent's writes wait for: it copies every frame no reader
    // still needs. The agent goes on writing meanwhile (the sync pulls), so it runs again
    // until few frames are left.
    const first = checkpoint('PASSIVE');
    let last = first;
    for (let pass = 1; pass < PASSIVE_PASSES && last.log - last.checkpointed > FEW_FRAMES; pass++) last = checkpoint('PASSIVE');
    // TRUNCATE holds off the agent's writers while it copies what is left and waits for
    // readers, so only briefly: given up after 100 ms, the WAL file just stays its size.
    db.pragma('busy_timeout = 100');
    const truncate = checkpoint('TRUNCATE');
    reply = { frames: first.log, copied: first.checkpointed, truncated: truncate.busy === 0, ms: Date.now() - started };
  } finally {
    db.close();
  }
} catch (error) {
  reply = { error: (error as Error).message };
}
parentPort.postMessage(reply);

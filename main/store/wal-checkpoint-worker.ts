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

let reply: WalCheckpointReply;
try {
  const db = new Database(file, { fileMustExist: true });
  try {
    const started = Date.now();
    // PASSIVE takes no lock that the agent's writes wait for: it copies every frame that no
    // reader still needs, which here is all of them. TRUNCATE then has nothing left to copy
    // and only empties the file; it waits at most a second for the agent's readers.
    const [passive] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
    db.pragma('busy_timeout = 1000');
    const [truncate] = db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointRow[];
    reply = { frames: passive?.log ?? 0, copied: passive?.checkpointed ?? 0, truncated: truncate?.busy === 0, ms: Date.now() - started };
  } finally {
    db.close();
  }
} catch (error) {
  reply = { error: (error as Error).message };
}
parentPort.postMessage(reply);

/**
 * The durability floor, measured beside the raw MQTT round trip: one small INSERT + COMMIT
 * (WAL, synchronous=FULL, as the agent opens its store) every intervalMs on the same disk,
 * at the pace the agent commits decisions. Paced rather than back to back: on this disk an
 * fsync after an idle gap costs more than one in a tight loop. A worker thread, so its
 * blocking commits never delay the subscriber it runs beside.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CommitProbeJob {
  dir: string;
  intervalMs: number;
  durationMs: number;
}

const job = workerData as CommitProbeJob;
rmSync(job.dir, { recursive: true, force: true });
mkdirSync(job.dir, { recursive: true });
const db = new Database(join(job.dir, 'probe.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
const insert = db.prepare('INSERT INTO probe (payload) VALUES (?)');
const commit = db.transaction((payload: string) => insert.run(payload));
const payload = 'x'.repeat(600);
const samples: number[] = [];
const end = Date.now() + job.durationMs;
const timer = setInterval(() => {
  if (Date.now() >= end) {
    clearInterval(timer);
    db.close();
    rmSync(job.dir, { recursive: true, force: true });
    parentPort!.postMessage(samples);
    return;
  }
  const start = process.hrtime.bigint();
  commit(payload);
  samples.push(Number(process.hrtime.bigint() - start) / 1000);
}, job.intervalMs);

/** Main-thread side of the publisher worker (publisher-worker.ts): job types and a promise for its report. */
import { Worker } from 'node:worker_threads';

export interface PacedJob {
  mode: 'paced';
  port: number;
  /** Messages per second. */
  rate: number;
  /** Background traffic only, before the first arrival (ms). */
  warmupMs: number;
  /** Whole run, warm-up included (ms). */
  durationMs: number;
  /** After the warm-up, one message in this many is an arrival reading (two per arrival); 0 for none. */
  arrivalEvery: number;
  maxArrivals: number;
  devices: number;
  knownDevices: number;
  /** process.hrtime.bigint() origin; payloads carry ns since it. */
  origin: bigint;
  /** BigInt64Array(maxArrivals): hrtime of each arrival's second reading. */
  arrivalTimes: SharedArrayBuffer;
}

export interface FloodJob {
  mode: 'flood';
  port: number;
  /** Concurrent gateway connections. */
  connections: number;
  durationMs: number;
  devices: number;
  knownDevices: number;
  /** Float64Array(1): running count of messages handed to the sockets. */
  sent: SharedArrayBuffer;
}

export type PublisherJob = PacedJob | FloodJob;

export interface PublisherReport {
  /** Paced: when publishing began, ns since the job's origin (0 for flood). */
  startedAt: number;
  sent: number;
  arrivals: number;
  elapsedMs: number;
  /** Longest time between two timer ticks of the paced publisher (its own scheduling jitter). */
  maxTickGapMs: number;
  maxBatch: number;
}

/**
 * Runs a TypeScript worker under tsx and resolves with the one message it posts. Node 20
 * does not apply the parent's --import loader to a worker's entry module, so a one-line
 * ESM bootstrap registers tsx inside the worker first.
 */
export function runTsWorker<T>(entry: URL, data: unknown): Promise<T> {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData: data });
  return new Promise((resolve, reject) => {
    let result: { value: T } | undefined;
    worker.once('message', (message: T) => (result = { value: message }));
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolve(result.value) : reject(new Error(`worker ${entry.pathname} exited with ${code} and no result`))));
  });
}

export function runPublisher(job: PublisherJob): Promise<PublisherReport> {
  return runTsWorker(new URL('./publisher-worker.ts', import.meta.url), job);
}

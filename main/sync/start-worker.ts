import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread of the agent from its entry, as the agent's own entry point names
 * it: a built .js entry directly; a .ts entry (the agent from source, under tsx) through
 * source-worker.mjs, since a worker does not inherit tsx's loader. The worker reads its
 * `workerData` as given either way.
 */
export function startWorker(entry: URL, workerData: Record<string, unknown> = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  return new Worker(new URL('./source-worker.mjs', import.meta.url), { workerData: { ...workerData, entry: entry.href } });
}

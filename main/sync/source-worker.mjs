// Starts a TypeScript worker when the agent runs from source (tsx): a worker does not
// inherit tsx's loader (tsx issue #354), so this plain module registers it, then imports
// the .ts entry named in workerData. The built agent starts its .js workers directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);

/**
 * Worker-thread entry that writes one store file (store-file-writer.ts): pages in, in
 * order, then "finish". Writing a million profiles is tens of seconds of one core, which
 * must not be the core that serves every device.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../main/log/logger';
import { StoreFileWriter } from './store-file-writer';
import type { BuildReply, BuildRequest, BuildWorkerData } from './store-file-build';

if (!parentPort) throw new Error('store-file-build-worker runs as a worker thread of the sync server');
const port = parentPort;
const data = workerData as BuildWorkerData;
const writer = new StoreFileWriter(data.file, createLogger('store-file-builder', data.logLevel));

port.on('message', (request: BuildRequest) => {
  let reply: BuildReply;
  try {
    if (request.type === 'page') {
      writer.apply(request.changesJson, request.cursor);
      reply = { id: request.id };
    } else if (request.type === 'finish') {
      reply = { id: request.id, written: writer.finish() };
    } else {
      writer.abandon();
      reply = { id: request.id };
    }
  } catch (error) {
    reply = { id: request.id, error: (error as Error).message };
  }
  port.postMessage(reply);
});

/**
 * Worker-thread entry that checks sync pages for the agent (page-checker.ts). It holds no
 * state and touches no database: bytes in, checked changes out.
 */
import { parentPort } from 'node:worker_threads';
import { checkPage, packChecked } from './page-check';
import type { PageCheckReply, PageCheckRequest } from './page-checker';

if (!parentPort) throw new Error('page-check-worker runs as a worker thread of the store agent');
const port = parentPort;

port.on('message', ({ id, bytes }: PageCheckRequest) => {
  let reply: PageCheckReply;
  try {
    reply = { id, packed: packChecked(checkPage(bytes)) };
  } catch (error) {
    reply = { id, error: (error as Error).message };
  }
  port.postMessage(reply);
});

/**
 * `npm run agent`: the store agent headless under Node. Settings from --config (or
 * SOO_CONFIG) and SOO_* environment variables; see README.
 */
import { loadAgentConfig } from '../config/agent-config';
import { startAgent } from '../agent';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { config: { type: 'string' } }, allowPositionals: true });
const config = loadAgentConfig(values.config ?? process.env.SOO_CONFIG);
const agent = await startAgent(config, {
  pageCheckWorker: new URL('../sync/page-check-worker.ts', import.meta.url),
  walCheckpointWorker: new URL('../store/wal-checkpoint-worker.ts', import.meta.url),
});
// Ready means listening to the gateways; a broker that is not there yet does not hold the
// store up (the agent keeps retrying), it is only said in the line.
const listening = await agent.whenListening(5_000);
// One machine-readable line on stdout, for service managers and tests.
process.stdout.write(`${JSON.stringify({ ready: true, listening, httpUrl: agent.httpUrl ?? null, brokerUrl: agent.brokerUrl, pid: process.pid })}\n`);

let stopping = false;
const shutdown = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await agent.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

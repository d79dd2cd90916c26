/**
 * Entry of the agent's Electron utility process (utilityProcess.fork from index.ts): the
 * store agent runs here, away from the main process, so a slow query or an MQTT burst
 * never freezes a signage window.
 *
 * Talks to main over process.parentPort only: request frames in, response and event
 * frames out (bridge-relay.ts), 'ready' once started, and 'shutdown' to stop cleanly.
 * Exits non-zero when the agent cannot start; main decides whether to fork it again.
 */
import { startAgent, type Agent } from '../agent';
import { loadAgentConfig } from '../config/agent-config';
import { createLogger } from '../log/logger';
import { serveAgentBridge, type AgentReadyMessage, type ParentPortLike } from './bridge-relay';
import { configPathFrom } from './launch';

const log = createLogger('agent-process');
const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort;

if (!port) {
  log.fatal('agent-process.js is the entry of an Electron utility process; run the headless agent with `npm run agent`');
  process.exit(2);
}

const SHUTDOWN_TIMEOUT_MS = 10_000;

const agentStarting: Promise<Agent> = (async () => {
  // Main resolved the config path and the data dir and passed them on (argv, SOO_DATA_DIR).
  const config = loadAgentConfig(configPathFrom(process.argv, process.env), process.env);
  // Built beside this file by electron.vite.config.ts.
  return startAgent(config, {
    log: createLogger('store-agent'),
    pageCheckWorker: new URL('./page-check-worker.js', import.meta.url),
    walCheckpointWorker: new URL('./wal-checkpoint-worker.js', import.meta.url),
  });
})();

serveAgentBridge(
  port,
  agentStarting.then((agent) => agent.bridge),
  { log: (message) => log.warn(message) },
);

agentStarting.then(
  (agent) => {
    log.info({ dataDir: agent.config.dataDir, screens: agent.config.screens.map((s) => s.id) }, 'agent started');
    port.postMessage({ kind: 'ready' } satisfies AgentReadyMessage);
  },
  (error: unknown) => {
    log.fatal({ err: error }, 'agent failed to start');
    // Let the failure reach any request already waiting, then exit for main to see.
    setTimeout(() => process.exit(1), 100);
  },
);

let stopping = false;
async function shutdown(reason: string): Promise<never> {
  if (!stopping) {
    stopping = true;
    log.info({ reason }, 'stopping agent');
    const timer = setTimeout(() => {
      log.error('agent did not stop in time, exiting anyway');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    try {
      const agent = await agentStarting;
      await agent.stop();
    } catch (error) {
      log.error({ err: error }, 'agent stop failed');
    }
    clearTimeout(timer);
    process.exit(0);
  }
  return new Promise<never>(() => {});
}

port.on('message', (event) => {
  const data = event.data as { kind?: unknown } | null;
  if (typeof data === 'object' && data !== null && data.kind === 'shutdown') void shutdown('main asked');
});
// Main normally asks; a service manager or child.kill() may signal instead.
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

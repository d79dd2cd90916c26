/**
 * Head office's sync server as its own process (`sync-server/cli/server.ts`), so a test
 * can kill -9 it mid-batch and start it again on the same port and data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from './agent-process';

export interface SyncServerProcess {
  url: string;
  start(): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

export function syncServerProcess(options: { port: number; dataDir: string; adminToken: string }): SyncServerProcess {
  const url = `http://127.0.0.1:${options.port}`;
  let child: ChildProcess | undefined;
  const exit = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((done) => proc.once('exit', done));
    proc.kill(signal);
    await exited;
  };
  return {
    url,
    async start() {
      const proc = spawn(process.execPath, ['--import', 'tsx', 'sync-server/cli/server.ts'], {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          SYNC_PORT: String(options.port),
          SYNC_DATA_DIR: options.dataDir,
          SYNC_ADMIN_TOKEN: options.adminToken,
          SYNC_LOG_LEVEL: process.env.SYNC_TEST_LOG_LEVEL ?? 'warn',
        },
      });
      child = proc;
      const deadline = Date.now() + 20_000;
      while (!(await healthy(url))) {
        if (proc.exitCode !== null) throw new Error(`sync server exited at start (code ${proc.exitCode})`);
        if (Date.now() > deadline) throw new Error('sync server did not become healthy');
        await new Promise((done) => setTimeout(done, 50));
      }
    },
    kill9: () => exit('SIGKILL'),
    stop: () => exit('SIGTERM'),
  };
}

/**
 * The store agent as its own process (`main/cli/agent.ts` under tsx), the way a store
 * runs it headless: tests talk to it only through MQTT, HTTP/WebSocket and its SQLite file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { AgentConfigInput } from '../../main/config/agent-config';
import { AGENT_NODE_FLAGS } from '../../main/cli/agent-runtime-flags';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

export interface AgentProcess {
  child: ChildProcess;
  httpUrl: string | null;
  brokerUrl: string;
  stop(): Promise<void>;
}

export async function spawnAgentProcess(config: AgentConfigInput & { dataDir: string }): Promise<AgentProcess> {
  const configFile = join(config.dataDir, 'agent.json');
  writeFileSync(configFile, JSON.stringify(config));
  const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, '--import', 'tsx', 'main/cli/agent.ts', '--config', configFile], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SOO_LOG_LEVEL: process.env.SOO_LOG_LEVEL ?? 'warn' },
  });
  const ready = await new Promise<{ httpUrl: string | null; brokerUrl: string }>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`agent exited before it was ready (code ${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"ready":true')) done(JSON.parse(line) as { httpUrl: string | null; brokerUrl: string });
    });
  });
  return {
    child,
    ...ready,
    stop: async () => {
      // Killed by a signal (a test's kill -9), exitCode stays null: signalCode says it is gone.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

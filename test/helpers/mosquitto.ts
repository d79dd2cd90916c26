/**
 * A real Mosquitto broker for a test, on a free loopback port, so tests never depend on
 * whatever broker the machine happens to run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

export interface TestBroker {
  port: number;
  url: string;
  /** Stops the broker process (the port stays reserved for restart()). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
}

const MOSQUITTO = process.env.MOSQUITTO_BIN ?? (process.platform === 'linux' ? '/usr/sbin/mosquitto' : 'mosquitto');

function portAccepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, delay));
    delay = Math.min(delay * 2, 200);
  }
}

export async function startMosquitto(): Promise<TestBroker> {
  const port = await freePort();
  const config = `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\nmax_queued_messages 100000\n`;
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    // Mosquitto reads its config only at start: the file lives no longer than that, so no
    // test leaves it behind (a restart writes it again).
    const dir = mkdtempSync(join(tmpdir(), 'soo-mosquitto-'));
    const configFile = join(dir, 'mosquitto.conf');
    writeFileSync(configFile, config);
    const proc = spawn(MOSQUITTO, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exited = false;
    proc.once('exit', () => (exited = true));
    child = proc;
    try {
      await waitUntil(async () => {
        if (exited) throw new Error(`mosquitto exited at start: ${stderr}`);
        return portAccepts(port);
      }, `mosquitto on port ${port}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((done) => {
      proc.once('exit', () => done());
      proc.kill('SIGTERM');
    });
  };

  await start();
  return { port, url: `mqtt://127.0.0.1:${port}`, stop, restart: start };
}

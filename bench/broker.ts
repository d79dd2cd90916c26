/**
 * A real Mosquitto for a benchmark, on a free loopback port. Like test/helpers/mosquitto.ts,
 * plus the one listener option that matters for latency: `set_tcp_nodelay` (Mosquitto's
 * default is false, i.e. Nagle's algorithm on its sockets, which against a subscriber that
 * only ever ACKs can hold a small message until the receiver's delayed ACK, up to ~40 ms).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/helpers/free-port';
import { MOSQUITTO_BIN } from './machine';

export interface BenchBroker {
  port: number;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface BrokerOptions {
  /** set_tcp_nodelay on the listener. */
  tcpNoDelay: boolean;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

export async function startBroker(options: BrokerOptions): Promise<BenchBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'soo-bench-mosquitto-'));
  const configFile = join(dir, 'mosquitto.conf');
  const lines = [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous true',
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'max_queued_messages 0',
    ...(options.tcpNoDelay ? ['set_tcp_nodelay true'] : []),
  ];
  writeFileSync(configFile, `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn(MOSQUITTO_BIN, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`mosquitto exited at start: ${stderr}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mosquitto did not listen on ${port} within 10 s`);
    }
    await new Promise((done) => setTimeout(done, 20));
  }
  return { port, url: `mqtt://127.0.0.1:${port}`, pid: child.pid!, stop };
}

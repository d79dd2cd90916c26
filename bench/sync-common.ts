/** Shared by the sync benchmarks: a head-office server with the per-IP limits lifted, and many paired raw devices. */
import { spawn } from 'node:child_process';
import { v7 as timeOrderedUuid } from 'uuid';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  adminClient,
  connectDevice,
  pairDevice,
  startTestServer,
  TEST_ADMIN_TOKEN,
  type DeviceClient,
  type PairedDevice,
  type ServerClient,
  type TestServer,
} from '../sync-server/testing/test-server';
import type { UploadedEvent } from '../protocol/sync';

/** The admin and pairing rate limits are per client IP: every simulated device here is 127.0.0.1. */
export function startBenchServer(dataDir?: string): Promise<TestServer> {
  return startTestServer({
    adminRequestsPerMinute: 10_000_000,
    pairing: { attemptsPerMinute: 10_000_000 },
    ...(dataDir !== undefined ? { dataDir } : {}),
  });
}

export interface ServerProcess extends ServerClient {
  pid: number;
  stop(): Promise<void>;
}

/** The sync server in a child process (bench/sync-server-child.ts) over `dataDir`; BENCH_SERVER_PROF=<dir> writes its CPU profile there. */
export async function startBenchServerProcess(dataDir: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_SERVER_PROF] : []), '--import', 'tsx', fileURLToPath(new URL('./sync-server-child.ts', import.meta.url)), dataDir, TEST_ADMIN_TOKEN], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench sync server exited at start (code ${code})`)));
    createInterface({ input: child.stdout! }).once('line', resolve);
  });
  return {
    url,
    pid: child.pid!,
    admin: adminClient(url, TEST_ADMIN_TOKEN),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}

export interface BenchDevice {
  paired: PairedDevice;
  socket: DeviceClient;
}

/** Pairs (admin API: store, device, pairing code, /api/pair) and connects `count` raw devices of `storeOf(i)`. */
export async function pairAndConnect(test: ServerClient, count: number, storeOf: (i: number) => string): Promise<BenchDevice[]> {
  const indexes = Array.from({ length: count }, (_, i) => i);
  // Stores first, one request each, so parallel pairings do not race on creating the same store.
  const stores = [...new Set(indexes.map(storeOf))];
  await pool(stores, 8, async (id) => {
    const r = await test.admin('POST', '/api/stores', { id, name: `Store ${id}` });
    if (r.status !== 201 && r.status !== 409) throw new Error(`store ${id}: ${r.status} ${JSON.stringify(r.body)}`);
  });
  const paired = await pool(indexes, 16, (i) => pairDevice(test, storeOf(i), `bench device ${i}`));
  const sockets = await pool(paired, 32, (p) => connectDevice(test, { deviceId: p.deviceId, credential: p.credential, appVersion: '1.0.0' }));
  return paired.map((p, i) => ({ paired: p, socket: sockets[i]! }));
}

export function closeAll(devices: readonly BenchDevice[]): void {
  for (const d of devices) d.socket.disconnect();
}

let seq = 0;

/** A valid uploaded TrackEvent of the device's store ("Zone Entered", anonymous beacon: no profile work). */
export function zoneEvent(storeId: string, deviceId: string, at: string): UploadedEvent {
  seq += 1;
  return {
    seq,
    event: {
      type: 'track',
      event: 'Zone Entered',
      messageId: timeOrderedUuid(), // as the agent's outbox makes them
      anonymousId: `beacon-${seq % 5000}`,
      context: {
        store: { id: storeId },
        device: { id: deviceId, type: 'store-agent' },
        app: { name: 'segment-of-one-agent', version: '1.0.0' },
        screen: { id: 'entrance' },
      },
      properties: { zone: 'entrance', rssi: -61, distanceM: 1.8 },
      originalTimestamp: at,
      sentAt: at,
    },
  };
}

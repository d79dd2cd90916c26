/**
 * kill -9 of head office during an upload batch, and of the store agent during its
 * upload, then restarts: every event recorded at the store is stored once at head
 * office, none lost, none twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import Database from 'better-sqlite3';
import { spawnAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { syncServerProcess, type SyncServerProcess } from '../helpers/sync-server-process';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto';
import { freePort } from '../helpers/free-port';
import { until } from '../helpers/wait-for';
import { UUID } from '../helpers/store-fixture';

const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';
const EVENTS = 1500;

let broker: TestBroker | undefined;
let server: SyncServerProcess | undefined;
let agent: AgentProcess | undefined;
const dirs: string[] = [];
afterAll(async () => {
  await agent?.stop();
  await server?.stop();
  await broker?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function count(file: string, sql: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function ids(file: string, sql: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).all() as Array<{ id: string }>).map((r) => r.id);
  } finally {
    db.close();
  }
}

async function admin(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const parsed = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(parsed)}`);
  return parsed;
}

describe('crashes during upload', () => {
  it('loses nothing and stores nothing twice across kill -9 of head office and of the agent', async () => {
    broker = await startMosquitto();
    const serverDir = mkdtempSync(join(tmpdir(), 'soo-hq-'));
    dirs.push(serverDir);
    server = syncServerProcess({ port: await freePort(), dataDir: serverDir, adminToken: ADMIN_TOKEN });
    await server.start();
    await admin(server.url, 'POST', '/api/stores', { id: 'store-a', name: 'Store A' });
    const { pairingCode } = await admin(server.url, 'POST', '/api/stores/store-a/devices', { name: 'till' });

    const dataDir = mkdtempSync(join(tmpdir(), 'soo-store-'));
    dirs.push(dataDir);
    const config = {
      storeId: 'store-a',
      dataDir,
      brokerUrl: broker.url,
      screens: [{ id: 'entrance', rooms: ['entrance'] }],
      // Small batches, so a kill lands in the middle of the upload.
      sync: { serverUrl: server.url, pairingCode, uploadBatch: 5 },
    };
    agent = await spawnAgentProcess(config);
    const storeDb = join(dataDir, 'store.db');
    const hqDb = join(serverDir, 'sync.sqlite');
    await until(() => count(storeDb, 'SELECT count(*) AS n FROM device_credential') === 1, 'paired');

    // Head office goes away; the store keeps recording: anonymous visitors at the entrance.
    await server.kill9();
    const gateway = await mqtt.connectAsync(broker.url);
    for (let minor = 1; minor <= EVENTS; minor++) {
      const id = `iBeacon:${UUID}-5-${minor}`;
      for (let i = 0; i < 2; i++) await gateway.publishAsync(`espresense/devices/${id}/entrance`, JSON.stringify({ id, distance: 1 }));
    }
    await gateway.endAsync();
    await until(() => count(storeDb, 'SELECT count(*) AS n FROM outbox') >= EVENTS, 'events recorded offline', 30_000);

    // Head office returns and is killed in the middle of receiving the batches.
    await server.start();
    await until(() => count(hqDb, 'SELECT count(*) AS n FROM events') > 0, 'upload under way', 20_000);
    await server.kill9();
    // The kill landed in the middle of the upload: the store still had events head office never acknowledged.
    const storedAtServerKill = count(hqDb, 'SELECT count(*) AS n FROM events');
    expect(count(storeDb, 'SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL')).toBeGreaterThan(0);
    await server.start();
    // Then the agent is killed in the middle of its upload.
    await until(() => count(hqDb, 'SELECT count(*) AS n FROM events') > storedAtServerKill, 'upload resumed', 20_000);
    agent.child.kill('SIGKILL');
    await new Promise((done) => agent!.child.once('exit', done));
    // Again in the middle: events not yet acknowledged at the store when it died.
    expect(count(storeDb, 'SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL')).toBeGreaterThan(0);
    agent = await spawnAgentProcess({ ...config, sync: { serverUrl: server.url, uploadBatch: 5 } });

    await until(() => count(storeDb, 'SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL') === 0, 'everything uploaded', 60_000);
    const recorded = ids(storeDb, 'SELECT message_id AS id FROM outbox');
    const stored = ids(hqDb, 'SELECT message_id AS id FROM events');
    expect(recorded.length).toBeGreaterThanOrEqual(EVENTS);
    expect(new Set(stored).size).toBe(stored.length);
    const storedSet = new Set(stored);
    expect(recorded.filter((id) => !storedSet.has(id))).toEqual([]);
    expect(stored.length).toBe(recorded.length);
  });
});

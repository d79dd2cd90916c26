/**
 * `kill -9` of the agent process mid-stream loses no committed outbox row: every row a
 * second connection saw before the kill is still there after, and the file is intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import Database from 'better-sqlite3';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto';
import { removeSeededDataDirs, seededDataDir, UUID } from '../helpers/store-fixture';
import { until } from '../helpers/wait-for';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker.stop();
  removeSeededDataDirs();
});

function spawnAgent(configFile: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/agent.ts', '--config', configFile], {
    cwd: join(import.meta.dirname, '../..'),
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`agent exited early with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"ready":true')) resolve();
    });
  });
  return { child, ready };
}

function committedMessageIds(file: string): Set<string> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return new Set(db.prepare<[], { message_id: string }>('SELECT message_id FROM outbox').all().map((r) => r.message_id));
  } finally {
    db.close();
  }
}

describe('outbox durability', () => {
  it('keeps every committed row through kill -9, and the restarted agent keeps them too', async () => {
    const dataDir = seededDataDir();
    const configFile = join(dataDir, 'agent.json');
    writeFileSync(configFile, JSON.stringify({ dataDir, brokerUrl: broker.url, screens: [{ id: 'entrance', rooms: ['entrance'] }] }));
    const { child, ready } = spawnAgent(configFile);
    await ready;
    const dbFile = join(dataDir, 'store.db');

    // Anonymous beacons walking in, one after another: each makes a "Zone Entered" row.
    const publisher = await mqtt.connectAsync(broker.url);
    let stop = false;
    const stream = (async () => {
      for (let minor = 1; !stop && minor < 60_000; minor++) {
        const id = `iBeacon:${UUID}-9-${minor}`;
        for (let i = 0; i < 2; i++) {
          await publisher.publishAsync(`espresense/devices/${id}/entrance`, JSON.stringify({ id, 'rssi@1m': -59, rssi: -60, distance: 1 }));
        }
      }
    })();

    const seen = await until(() => {
      const ids = committedMessageIds(dbFile);
      return ids.size >= 200 ? ids : undefined;
    }, '200 committed outbox rows', 30_000);
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    stop = true;
    await stream;
    await publisher.endAsync();

    const db = new Database(dbFile);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const after = new Set(db.prepare<[], { message_id: string }>('SELECT message_id FROM outbox').all().map((r) => r.message_id));
    db.close();
    const lost = [...seen].filter((id) => !after.has(id));
    expect(lost).toEqual([]);
    expect(after.size).toBeGreaterThanOrEqual(seen.size);

    // The outbox is never cleared at start.
    const again = spawnAgent(configFile);
    await again.ready;
    const exitedAgain = new Promise((done) => again.child.once('exit', done));
    again.child.kill('SIGTERM');
    await exitedAgain;
    expect(committedMessageIds(dbFile).size).toBe(after.size);
  });
});

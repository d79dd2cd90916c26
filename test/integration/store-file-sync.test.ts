/**
 * A first sync from head office's store file, over real TCP with a real agent: the file is
 * built by head office, downloaded and checked by the agent, taken whole, and followed by
 * the changes made after it. A device only ever gets its own store's file, and anything
 * wrong with a file leaves the agent pulling pages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { openSync, writeSync, closeSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startAgent, type Agent } from '../../main/agent';
import { parseAgentConfig } from '../../main/config/agent-config';
import { createLogger, type Logger } from '../../main/log/logger';
import { schemaVersion, openDatabase } from '../../main/store/database';
import { STORE_FILE_HEADERS, STORE_FILE_PATH } from '../../protocol/sync';
import type { SearchHit } from '../../protocol/kiosk';
import { STORE_FILES_DIR } from '../../sync-server/server';
import { pairDevice, startTestServer, type TestServer } from '../../sync-server/testing/test-server';
import { seedHeadOffice } from '../helpers/seeded-head-office';
import defaultRules from '../../main/decisions/default-rules.json';
import { until } from '../helpers/wait-for';
import { tempDirs } from '../helpers/temp-dirs';

let server: TestServer | undefined;
const agents: Agent[] = [];
const temp = tempDirs();
const tempDir = temp.make;

afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.stop();
  await server?.stop();
  server = undefined;
  temp.removeAll();
});

async function ok(response: Promise<{ status: number; body: unknown }>): Promise<any> {
  const { status, body } = await response;
  if (status >= 300) throw new Error(`admin call failed: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** A logger that keeps warnings and errors (`said`) and information (`told`), to assert what the agent said. */
function listeningLogger(): { log: Logger; said: string[]; told: string[] } {
  const said: string[] = [];
  const told: string[] = [];
  const log = createLogger('test', 'silent');
  const keeper = (into: string[]) => ((obj: unknown, msg?: string) => into.push(typeof obj === 'string' ? obj : `${msg ?? ''} ${JSON.stringify(obj)}`)) as Logger['warn'];
  log.warn = keeper(said);
  log.error = keeper(said);
  log.info = keeper(told);
  return { log, said, told };
}

async function startStoreAgent(storeId: string, code: string | undefined, log: Logger): Promise<Agent> {
  const agent = await startAgent(
    parseAgentConfig({
      storeId,
      dataDir: tempDir(`soo-${storeId}-`),
      embeddedBrokerPort: 0,
      screens: [
        { id: 'entrance', rooms: ['entrance'] },
        { id: 'till', kind: 'kiosk', rooms: ['front-counter'] },
      ],
      sync: { serverUrl: server!.server.url, ...(code ? { pairingCode: code } : {}), uploadBatch: 50 },
    }),
    // As `npm run agent` starts it: a store file's pages are written home on this worker.
    { log, walCheckpointWorker: new URL('../../main/store/wal-checkpoint-worker.ts', import.meta.url) },
  );
  agents.push(agent);
  return agent;
}

async function pairingCode(storeId: string): Promise<string> {
  return ((await ok(server!.admin('POST', `/api/stores/${storeId}/devices`, { name: `${storeId} till` }))) as { pairingCode: string }).pairingCode;
}

async function metric(name: string): Promise<number> {
  const text = (await ok(server!.admin('GET', '/metrics'))) as string;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

const online = (agent: Agent) => until(() => agent.status().sync.state === 'online' && agent.status().sync.lastSyncAt !== null, 'agent online and synced', 20_000);

async function search(agent: Agent, query: string): Promise<string[]> {
  return ((await agent.bridge.handle('kiosk.search', { screenId: 'till', query })) as SearchHit[]).map((hit) => hit.profileId);
}

/** The agent schema this build's devices have (the server builds files of the same). */
function agentSchema(): number {
  const dir = tempDir('soo-schema-');
  const db = openDatabase(join(dir, 'probe.db'));
  try {
    return schemaVersion(db);
  } finally {
    db.close();
  }
}

/** The store file as a device asks for it, with its own credential. */
function downloadAs(device: { deviceId: string; credential: string }, schema = agentSchema()): Promise<Response> {
  return fetch(`${server!.url}${STORE_FILE_PATH}?schema=${schema}`, {
    headers: { [STORE_FILE_HEADERS.deviceId]: device.deviceId, authorization: `Bearer ${device.credential}` },
  });
}

/**
 * Head office over a fresh data directory holding `profiles` of store-big, with that store's
 * file built; with `person`, one more customer of that store (an admin's, so erasable) in it.
 */
async function headOfficeWithFile(profiles: number, person?: string): Promise<TestServer> {
  const dataDir = tempDir('soo-head-office-');
  await seedHeadOffice(dataDir, 'store-big', profiles);
  const started = await startTestServer({ dataDir });
  try {
    if (person) {
      await ok(started.admin('PUT', `/api/profiles/${person}`, { firstName: 'Erased', consents: { greetPublic: true, personalisedOffers: true, tracking: true }, identifiers: [{ kind: 'loyalty', value: `${person}-card` }] }));
      await ok(started.admin('PUT', `/api/stores/store-big/profiles/${person}`, {}));
    }
    await ok(started.admin('POST', '/api/stores/store-big/store-file', undefined));
  } catch (error) {
    await started.stop();
    throw error;
  }
  return started;
}

describe('first sync from a store file', () => {
  it('a fresh store takes head office\'s file, keeps what it recorded before, and pulls what changed after the file', async () => {
    const dataDir = tempDir('soo-head-office-');
    await seedHeadOffice(dataDir, 'store-big', 3000);
    server = await startTestServer({ dataDir });
    // Rules in the file are announced to the screens as if pulled.
    await ok(server.admin('PUT', '/api/rules', { ...defaultRules, rules: defaultRules.rules.filter((rule) => rule.id === 'birthday') }));
    await ok(server.admin('PUT', '/api/profiles/p-gone', { firstName: 'Gone', consents: { greetPublic: true, personalisedOffers: true, tracking: true }, identifiers: [{ kind: 'loyalty', value: 'GONE-1' }] }));
    await ok(server.admin('PUT', '/api/stores/store-big/profiles/p-gone', {}));

    const built = await ok(server.admin('POST', '/api/stores/store-big/store-file', undefined));
    expect(built).toMatchObject({ storeId: 'store-big', profiles: 3001, schema: agentSchema() });
    expect(built.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await ok(server.admin('GET', '/api/stores/store-big/store-file'))).toEqual(built);

    // After the file: a new customer, and an edit of one in the file.
    await ok(server.admin('PUT', '/api/profiles/p-after', { firstName: 'Afterwards', consents: { greetPublic: true, personalisedOffers: true, tracking: true }, identifiers: [{ kind: 'loyalty', value: 'AFTER-1' }] }));
    await ok(server.admin('PUT', '/api/stores/store-big/profiles/p-after', {}));
    await ok(server.admin('PUT', '/api/profiles/p-gone', { firstName: 'Edited' }));

    // Unpaired at first: what the store records meanwhile is its own and must survive the file.
    const { log, said, told } = listeningLogger();
    const agent = await startStoreAgent('store-big', undefined, log);
    await until(() => agent.status().sync.state === 'unpaired', 'waiting for a code');
    // A walk-in's order at the till: a purchase and its event, about nobody head office knows.
    await agent.bridge.handle('kiosk.order.confirm', { screenId: 'till', profileId: null, lines: [{ sku: 'latte', quantity: 1, modifiers: [] }], staffId: 's-1' });
    expect(agent.status().outboxPending).toBeGreaterThan(0);
    const recordedBefore = agent.status().outboxPending;

    await agent.bridge.handle('sync.pair', { code: await pairingCode('store-big') });
    await online(agent);
    expect(await metric('sync_store_files_served_total')).toBe(1);
    expect(agent.status().profiles).toBe(3002);
    expect(await search(agent, 'Big2999')).toEqual(['b-2999']);
    expect(await search(agent, 'Afterwards')).toEqual(['p-after']);
    expect(await search(agent, 'Edited')).toEqual(['p-gone']);
    expect(await search(agent, 'Gone')).toEqual([]);
    // The checksum check after a first sync found nothing to download again.
    expect(said.filter((line) => /diverged|store file/.test(line))).toEqual([]);
    // The file's pages were written home by the worker, every one of them.
    await until(() => told.some((line) => /written home in the background/.test(line)), 'the background checkpoint');
    expect(said.filter((line) => /checkpoint/.test(line))).toEqual([]);
    const home = JSON.parse(told.find((line) => /written home/.test(line))!.replace(/^[^{]*/, '')) as { frames: number; copied: number };
    expect(home.frames).toBeGreaterThan(0);
    expect(home.copied).toBe(home.frames);

    // The store's own events went up: none was lost to the file.
    await until(() => agent.status().outboxPending === 0, 'outbox uploaded');
    expect(await metric('sync_events_received_total')).toBe(recordedBefore);

    // Later edits and removals reach the profiles that came in the file.
    await ok(server.admin('PUT', '/api/profiles/p-after', { firstName: 'Renamed' }));
    await ok(server.admin('DELETE', '/api/stores/store-big/profiles/p-gone'));
    await until(async () => (await search(agent, 'Renamed')).length === 1 && (await search(agent, 'Edited')).length === 0, 'the edit and the removal arrive');
    const db = new Database(agent.databaseFile, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });

  it('a file older than a profile\'s removal from the store is never sent: it is removed and built again without that person', async () => {
    server = await headOfficeWithFile(500, 'p-erased');
    const { dataDir } = server;
    const first = await ok(server.admin('GET', '/api/stores/store-big/store-file'));
    expect(first.profiles).toBe(501);

    // Erasure at head office: the file still holds the person, so no device may get it.
    await ok(server.admin('DELETE', '/api/profiles/p-erased'));
    const device = await pairDevice(server, 'store-big');
    const response = await downloadAs(device);
    expect(response.status).toBe(404);
    expect(readdirSync(join(dataDir, STORE_FILES_DIR)).filter((name) => name.includes(`.${first.version}.`))).toEqual([]);

    // Built again in the background, without them; a new device takes that one.
    let rebuilt: any;
    await until(async () => {
      rebuilt = (await server!.admin('GET', '/api/stores/store-big/store-file')).body;
      return rebuilt.version > first.version;
    }, 'the file built again');
    expect(rebuilt.profiles).toBe(500);
    const { log } = listeningLogger();
    const agent = await startStoreAgent('store-big', await pairingCode('store-big'), log);
    await online(agent);
    expect(await metric('sync_store_files_served_total')).toBe(1);
    expect(agent.status().profiles).toBe(500);
    expect(await search(agent, 'Erased')).toEqual([]);
  });

  it('head office shutting down abandons a build and cuts a download in progress, leaving no half-built file', async () => {
    // A file of about 30 MiB: more than loopback's socket buffers hold, so a store that stops
    // reading leaves most of it unsent.
    server = await headOfficeWithFile(60_000);
    const { dataDir } = server;
    const device = await pairDevice(server, 'store-big');
    // A store on a slow link: it reads the first bytes of the file, then nothing more.
    const download = await downloadAs(device);
    expect(download.status).toBe(200);
    const reader = download.body!.getReader();
    await reader.read();
    // A second build is under way when the stop comes.
    const rebuild = server.admin('POST', '/api/stores/store-big/store-file', undefined);
    const storeFiles = join(dataDir, STORE_FILES_DIR);
    await until(() => readdirSync(storeFiles).some((name) => name.includes('.building.')), 'a build under way');

    await server.stop();
    server = undefined;
    expect((await rebuild).status).toBeGreaterThanOrEqual(500);
    await expect((async () => {
      for (;;) if ((await reader.read()).done) return;
    })()).rejects.toThrow();
    expect(readdirSync(storeFiles).filter((name) => name.includes('.building.'))).toEqual([]);

    // The finished file survives the restart and is sent again.
    server = await startTestServer({ dataDir });
    expect((await server.admin('GET', '/api/stores/store-big/store-file')).body).toMatchObject({ profiles: 60_000 });
  });

  it('erasing someone in a store\'s file cuts a download of it in progress; the next one is built without them', async () => {
    // About 30 MiB, as above: a store that stops reading leaves most of it unsent.
    server = await headOfficeWithFile(60_000, 'p-erased');
    const first = (await ok(server.admin('GET', '/api/stores/store-big/store-file'))) as { version: number; profiles: number };
    expect(first.profiles).toBe(60_001);
    const device = await pairDevice(server, 'store-big');
    const download = await downloadAs(device);
    expect(download.status).toBe(200);
    const reader = download.body!.getReader();
    await reader.read();

    await ok(server.admin('DELETE', '/api/profiles/p-erased'));
    // The rest of the file never comes: the connection was cut, not finished.
    await expect((async () => {
      for (;;) if ((await reader.read()).done) return;
    })()).rejects.toThrow();
    let rebuilt: { version: number; profiles: number } | undefined;
    await until(async () => {
      rebuilt = (await server!.admin('GET', '/api/stores/store-big/store-file')).body as { version: number; profiles: number };
      return rebuilt.version > first.version;
    }, 'the file built again');
    expect(rebuilt!.profiles).toBe(first.profiles - 1);
  });

  it('a store imported since head office last looked gets its file when its first device finds none', async () => {
    const dataDir = tempDir('soo-head-office-');
    await seedHeadOffice(dataDir, 'store-big', 300);
    // Big enough for a file, and no background pass for the length of this test.
    server = await startTestServer({ dataDir, storeFiles: { minChanges: 50, checkEveryMs: 3_600_000 } });
    await until(async () => (await server!.admin('GET', '/api/stores/store-big/store-file')).status === 200, 'the pass at start builds it');
    // A new store, its customers imported after that pass.
    const device = await pairDevice(server, 'store-new');
    for (let i = 0; i < 60; i++) {
      await ok(server.admin('PUT', `/api/profiles/n-${i}`, { firstName: `New${i}`, consents: { greetPublic: true, personalisedOffers: true, tracking: true }, identifiers: [{ kind: 'loyalty', value: `NEW-${i}` }] }));
      await ok(server.admin('PUT', `/api/stores/store-new/profiles/n-${i}`, {}));
    }
    const asked = await downloadAs(device);
    expect(asked.status).toBe(404);
    await until(async () => (await server!.admin('GET', '/api/stores/store-new/store-file')).status === 200, 'built after the device asked');
  });

  it('a file that does not match its checksum is not taken: the store pulls pages instead', async () => {
    server = await headOfficeWithFile(1500);
    const { dataDir } = server;
    // A disk fault at head office after the build: one byte of the file changes.
    const storeFiles = join(dataDir, STORE_FILES_DIR);
    const file = readdirSync(storeFiles).find((name) => name.endsWith('.db'))!;
    const fd = openSync(join(storeFiles, file), 'r+');
    writeSync(fd, Buffer.from([0x55]), 0, 1, 5000);
    closeSync(fd);

    const { log, said } = listeningLogger();
    const agent = await startStoreAgent('store-big', await pairingCode('store-big'), log);
    await online(agent);
    expect(said.some((line) => line.includes('does not match its sha256'))).toBe(true);
    expect(agent.status().profiles).toBe(1500);
    expect(await search(agent, 'Big1499')).toEqual(['b-1499']);
    expect(readdirSync(join(agent.databaseFile, '..')).filter((name) => name.includes('store-file'))).toEqual([]);
  });

  it('revoking a device cuts its download in progress; another device of the store goes on', async () => {
    // About 30 MiB, as above: a reader that pauses leaves most of it unsent.
    server = await headOfficeWithFile(60_000);
    const revoked = await pairDevice(server, 'store-big');
    const kept = await pairDevice(server, 'store-big');
    const [cut, whole] = await Promise.all([downloadAs(revoked), downloadAs(kept)]);
    expect([cut.status, whole.status]).toEqual([200, 200]);
    const reader = cut.body!.getReader();
    await reader.read();

    await ok(server.admin('POST', `/api/devices/${revoked.deviceId}/revoke`, undefined));
    await expect((async () => {
      for (;;) if ((await reader.read()).done) return;
    })()).rejects.toThrow();
    expect((await whole.arrayBuffer()).byteLength).toBe(Number(whole.headers.get('content-length')));
  });

  it('a device gets only its own store\'s file; no credential, a wrong one or a revoked device gets nothing', async () => {
    server = await headOfficeWithFile(200);
    const big = await pairDevice(server, 'store-big');
    const small = await pairDevice(server, 'store-small');
    const schema = agentSchema();
    const get = (headers: Record<string, string>, query = `?schema=${schema}`) => fetch(`${server!.url}${STORE_FILE_PATH}${query}`, { headers });
    const as = (device: { deviceId: string; credential: string }) => ({ [STORE_FILE_HEADERS.deviceId]: device.deviceId, authorization: `Bearer ${device.credential}` });

    const own = await get(as(big));
    expect(own.status).toBe(200);
    expect(own.headers.get(STORE_FILE_HEADERS.profiles)).toBe('200');
    expect((await own.arrayBuffer()).byteLength).toBe(Number(own.headers.get('content-length')));

    // Store-small has no file of its own, and store-big's is not for it.
    const other = await get(as(small));
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: 'no store file for store store-small yet: pull changes' });

    expect((await get({})).status).toBe(401);
    expect((await get({ ...as(big), authorization: `Bearer ${'x'.repeat(43)}` })).status).toBe(401);
    expect((await get({ ...as(big), [STORE_FILE_HEADERS.deviceId]: small.deviceId })).status).toBe(401);
    // Another schema (a device on an older or newer app) is told to pull pages.
    expect((await get(as(big), `?schema=${schema + 1}`)).status).toBe(409);
    expect((await get(as(big), '?schema=abc')).status).toBe(400);

    await ok(server.admin('POST', `/api/devices/${big.deviceId}/revoke`, undefined));
    expect((await get(as(big))).status).toBe(401);
  });
});

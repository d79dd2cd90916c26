/**
 * Store agents and head office together, over real TCP: pairing, snapshot, deltas to two
 * stores, offline then exactly-once upload, store isolation, revocation and erasure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startAgent, type Agent } from '../../main/agent';
import { parseAgentConfig } from '../../main/config/agent-config';
import { createLogger } from '../../main/log/logger';
import { seedHeadOffice } from '../helpers/seeded-head-office';
import { startTestServer, type TestServer } from '../../sync-server/testing/test-server';
import { nextEvent, until } from '../helpers/wait-for';
import type { Decision } from '../../main/decisions/decide';
import { tempDirs } from '../helpers/temp-dirs';
import type { SearchHit } from '../../protocol/kiosk';
import { pino } from 'pino';

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

function profile(id: string, firstName: string, loyalty: string) {
  return {
    firstName,
    lastName: 'Test',
    visitCount: 3,
    consents: { greetPublic: true, personalisedOffers: true, tracking: true },
    identifiers: [{ kind: 'loyalty', value: loyalty }],
  };
}

async function ok(response: Promise<{ status: number; body: unknown }>): Promise<unknown> {
  const { status, body } = await response;
  if (status >= 300) throw new Error(`admin call failed: ${status} ${JSON.stringify(body)}`);
  return body;
}

async function addStore(storeId: string): Promise<void> {
  await ok(server!.admin('POST', '/api/stores', { id: storeId, name: `Store ${storeId}` }));
}

async function pairingCode(storeId: string): Promise<string> {
  const body = (await ok(server!.admin('POST', `/api/stores/${storeId}/devices`, { name: `${storeId} till` }))) as { pairingCode: string };
  return body.pairingCode;
}

async function addProfile(id: string, firstName: string, loyalty: string, homeStores: string[]): Promise<void> {
  await ok(server!.admin('PUT', `/api/profiles/${id}`, profile(id, firstName, loyalty)));
  for (const store of homeStores) await ok(server!.admin('PUT', `/api/stores/${store}/profiles/${id}`, {}));
}

async function startStoreAgent(
  storeId: string,
  code: string | undefined,
  dataDir = tempDir(`soo-${storeId}-`),
  pullBatch?: number,
  /** As `npm run agent` runs: pages checked on the agent's worker thread. */
  withWorker?: { log: ReturnType<typeof createLogger> },
): Promise<Agent> {
  const agent = await startAgent(
    parseAgentConfig({
      storeId,
      dataDir,
      embeddedBrokerPort: 0,
      screens: [
        { id: 'entrance', rooms: ['entrance'] },
        { id: 'till', kind: 'kiosk', rooms: ['front-counter'] },
      ],
      sync: { serverUrl: server!.server.url, ...(code ? { pairingCode: code } : {}), uploadBatch: 50, ...(pullBatch ? { pullBatch } : {}) },
    }),
    withWorker
      ? { log: withWorker.log, pageCheckWorker: new URL('../../main/sync/page-check-worker.ts', import.meta.url) }
      : { log: createLogger('test', 'silent') },
  );
  agents.push(agent);
  return agent;
}

function localFirstName(agent: Agent, profileId: string): string | undefined {
  const db = new Database(agent.databaseFile, { readonly: true });
  try {
    return db.prepare<[string], { first_name: string }>('SELECT first_name FROM profiles WHERE id = ?').get(profileId)?.first_name;
  } finally {
    db.close();
  }
}

/** A head-office data directory holding `count` profiles b-0… of store-big. */
async function seededBigStore(count: number): Promise<string> {
  const dataDir = tempDir('soo-head-office-');
  await seedHeadOffice(dataDir, 'store-big', count);
  return dataDir;
}

const online = (agent: Agent) => until(() => agent.status().sync.state === 'online' && agent.status().sync.lastSyncAt !== null, 'agent online and synced', 15_000);

describe('store agents with head office', () => {
  it('pairs with a one-time code, downloads its store, and keeps its credential across restarts', async () => {
    server = await startTestServer();
    await addStore('store-a');
    for (let i = 0; i < 120; i++) await addProfile(`p-${i}`, `Customer${i}`, `LOY-${1000 + i}`, ['store-a']);
    const code = await pairingCode('store-a');
    const dataDir = tempDir('soo-store-a-');
    let agent = await startStoreAgent('store-a', code, dataDir);
    await online(agent);
    await until(() => agent.status().profiles === 120, 'snapshot of 120 profiles');
    expect(localFirstName(agent, 'p-7')).toBe('Customer7');

    // The code was single use: the restarted agent connects with its own credential.
    await agent.stop();
    agents.length = 0;
    agent = await startStoreAgent('store-a', undefined, dataDir);
    await online(agent);
    expect(agent.status().sync.cursor).toBeGreaterThan(0);
    const reused = await server.admin('POST', '/api/pair', { code }, null);
    expect(reused.status).toBeGreaterThanOrEqual(400);
  });

  it('downloads a store bigger than a page completely: pages pulled ahead, applied in slices, cursor at the last change', async () => {
    server = await startTestServer({ dataDir: await seededBigStore(2600) });
    // Pages of 2,000: the second is pulled while the first is applied in two 1,000-change slices.
    const agent = await startStoreAgent('store-big', await pairingCode('store-big'), undefined, 2000);
    await online(agent);
    expect(agent.status().profiles).toBe(2600);
    expect(agent.status().sync.remaining).toBe(0);
    expect(localFirstName(agent, 'b-2599')).toBe('Big2599');
    const db = new Database(agent.databaseFile, { readonly: true });
    try {
      // The cursor is the last change's version, and every row's version is recorded (the checksum held).
      const last = db.prepare<[], { version: number }>("SELECT max(version) AS version FROM sync_rows WHERE collection = 'profiles'").get()!.version;
      expect(agent.status().sync.cursor).toBe(last);
      expect(db.prepare("SELECT count(*) AS n FROM sync_rows WHERE collection = 'profiles'").get()).toEqual({ n: 2600 });
      expect(db.prepare('SELECT count(*) AS n FROM profile_names').get()).toEqual({ n: 2600 });
    } finally {
      db.close();
    }
  });

  it('stops in the middle of a first sync with pages in hand and on the worker; restarted, it finishes from its cursor', async () => {
    server = await startTestServer({ dataDir: await seededBigStore(30_000) });
    const failures: string[] = [];
    const log = createLogger('test', 'silent');
    log.error = ((obj: unknown, msg?: string) => failures.push(String(msg ?? obj))) as typeof log.error;
    const agentDir = tempDir('soo-store-big-');
    // Default pages (5,000 changes, about 1 MiB, so checked on the worker): writing is the slow
    // part, so three pages are soon in hand and the next one waits for room.
    let agent = await startStoreAgent('store-big', await pairingCode('store-big'), agentDir, undefined, { log });
    await until(() => agent.status().sync.cursor > 0, 'first slices written');
    // A stop with pages in hand returns well within a request's 30 s timeout (this test's own limit).
    agents.splice(agents.indexOf(agent), 1);
    await agent.stop();
    const db = new Database(join(agentDir, 'store.db'), { readonly: true });
    try {
      const written = db.prepare<[], { n: number; top: number }>("SELECT count(*) AS n, max(version) AS top FROM sync_rows WHERE collection = 'profiles'").get()!;
      const cursor = db.prepare<[], { version: number }>('SELECT version FROM sync_cursor').get()!.version;
      expect(written.n).toBeLessThan(30_000);
      // The cursor covers exactly what was written: nothing past it, nothing missing below it.
      expect(written.top).toBe(cursor);
      expect(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM profiles').get()!.n).toBe(written.n);
    } finally {
      db.close();
    }
    agent = await startStoreAgent('store-big', undefined, agentDir, undefined, { log });
    await online(agent);
    expect(agent.status().profiles).toBe(30_000);
    expect(localFirstName(agent, 'b-29999')).toBe('Big29999');
    const hits = (await agent.bridge.handle('kiosk.search', { screenId: 'till', query: 'Big29999' })) as SearchHit[];
    expect(hits.map((hit) => hit.profileId)).toEqual(['b-29999']);
    expect(failures).toEqual([]);
  });

  it('pairs with a code typed on the device\'s own screen when none was configured', async () => {
    server = await startTestServer();
    await addStore('store-a');
    const agent = await startStoreAgent('store-a', undefined);
    await until(() => agent.status().sync.state === 'unpaired', 'waiting for a code');
    await expect(agent.bridge.handle('sync.pair', { code: 'not a code' })).rejects.toThrow(/pairing code/);
    const code = await pairingCode('store-a');
    await expect(agent.bridge.handle('sync.pair', { code: code.toLowerCase() })).resolves.toEqual({ state: 'pairing' });
    await online(agent);
    // Paired now: another code is refused rather than replacing the credential.
    await expect(agent.bridge.handle('sync.pair', { code })).rejects.toThrow(/not waiting for a pairing code/);
  });

  it('a profile change at head office reaches both stores that hold it; a store never sees another store\'s customer', async () => {
    server = await startTestServer();
    await addStore('store-a');
    await addStore('store-b');
    await addProfile('p-shared', 'Maya', 'LOY-1', ['store-a', 'store-b']);
    await addProfile('p-only-b', 'Bob', 'LOY-2', ['store-b']);
    const a = await startStoreAgent('store-a', await pairingCode('store-a'));
    const b = await startStoreAgent('store-b', await pairingCode('store-b'));
    await Promise.all([online(a), online(b)]);
    await until(() => localFirstName(b, 'p-only-b') === 'Bob', 'store B has its own customer');
    expect(localFirstName(a, 'p-only-b')).toBeUndefined();

    await ok(server.admin('PUT', '/api/profiles/p-shared', { firstName: 'Maya-Renamed' }));
    await until(() => localFirstName(a, 'p-shared') === 'Maya-Renamed' && localFirstName(b, 'p-shared') === 'Maya-Renamed', 'the edit in both stores', 5_000);
  });

  it('a customer served in store A is welcomed with that history in store B', async () => {
    server = await startTestServer();
    await addStore('store-a');
    await addStore('store-b');
    await addProfile('p-maya', 'Maya', 'LOY-77', ['store-a', 'store-b']);
    const a = await startStoreAgent('store-a', await pairingCode('store-a'));
    const b = await startStoreAgent('store-b', await pairingCode('store-b'));
    await Promise.all([online(a), online(b)]);
    await until(() => localFirstName(a, 'p-maya') === 'Maya', 'store A has Maya');

    await a.bridge.handle('kiosk.order.confirm', { screenId: 'till', profileId: 'p-maya', lines: [{ sku: 'latte', quantity: 2, modifiers: [] }], staffId: 's-1' });
    const pointsIn = (agent: Agent): number | undefined => {
      const db = new Database(agent.databaseFile, { readonly: true });
      try {
        return db.prepare<[string], { points: number }>('SELECT points FROM profiles WHERE id = ?').get('p-maya')?.points;
      } finally {
        db.close();
      }
    };
    // 2 × 3.50 = 7.00: 7 points, computed at head office and sent to store B.
    await until(() => pointsIn(b) === 7, 'store B sees the points earned in store A', 10_000);
    await until(() => a.status().outboxPending === 0, 'store A uploaded its outbox');
  });

  it('a greeting shown in store A counts in store B: the rule\'s cooldown holds across stores', async () => {
    server = await startTestServer();
    await addStore('store-a');
    await addStore('store-b');
    const hello = { id: 'hello', when: 'true', greeting: 'Hello, {{firstName}}!', cooldownMinutes: 1440 };
    await ok(server.admin('PUT', '/api/rules', { policy: { maxGreetingsPerVisit: 1 }, rules: [hello] }));
    await addProfile('p-maya', 'Maya', '2001234567893', ['store-a', 'store-b']);
    const a = await startStoreAgent('store-a', await pairingCode('store-a'));
    const b = await startStoreAgent('store-b', await pairingCode('store-b'));
    await Promise.all([online(a), online(b)]);
    await until(() => localFirstName(a, 'p-maya') === 'Maya' && localFirstName(b, 'p-maya') === 'Maya', 'both stores have Maya');

    const greeted = nextEvent<Decision>(a.onDecision, (d) => d.outcome === 'greet');
    expect(await a.bridge.handle('scan.submit', { screenId: 'entrance', code: '2001234567893', source: 'keyboard-wedge' })).toMatchObject({ decided: true });
    const decision = await greeted;
    expect(decision).toMatchObject({ ruleId: 'hello', profileId: 'p-maya' });
    expect(await a.bridge.handle('greeting.shown', { screenId: 'entrance', decisionId: decision.decisionId })).toEqual({ recorded: true });

    // Head office remembers it on Maya's profile, and store B receives that.
    const remembered = (agent: Agent): string | null => {
      const db = new Database(agent.databaseFile, { readonly: true });
      try {
        return db.prepare<[string], { greetings: string | null }>('SELECT greetings FROM profiles WHERE id = ?').get('p-maya')?.greetings ?? null;
      } finally {
        db.close();
      }
    };
    await until(() => remembered(b)?.includes('"ruleId":"hello"') === true, 'store B knows Maya was greeted in store A', 10_000);
    const golden = (await ok(server.admin('GET', '/api/profiles/p-maya'))) as { profile: { greetings: Array<{ ruleId: string }> } };
    expect(golden.profile.greetings.map((g) => g.ruleId)).toEqual(['hello']);

    const inB = nextEvent<Decision>(b.onDecision, () => true);
    await b.bridge.handle('scan.submit', { screenId: 'entrance', code: '2001234567893', source: 'keyboard-wedge' });
    expect(await inB).toMatchObject({ outcome: 'none', checks: [{ ruleId: 'hello', result: 'cooldown' }] });
  });

  it('records while head office is down and uploads every event exactly once when it returns', async () => {
    // The test's own dir: the first server is closed, not stopped, and the second one reopens it.
    server = await startTestServer({ dataDir: tempDir('soo-head-office-') });
    const serverDir = server.dataDir;
    const port = server.server.port;
    await addStore('store-a');
    await addProfile('p-1', 'Ada', '2001234567893', ['store-a']);
    const agent = await startStoreAgent('store-a', await pairingCode('store-a'));
    await online(agent);
    await until(() => localFirstName(agent, 'p-1') === 'Ada', 'profile synced');

    await server.server.close();
    await until(() => agent.status().sync.state === 'offline', 'agent noticed head office is gone');
    const before = agent.status().outboxPending;
    const outcome = await agent.bridge.handle('scan.submit', { screenId: 'entrance', code: '2001234567893', source: 'keyboard-wedge' });
    expect(outcome).toMatchObject({ status: 'recognised' });
    expect(agent.status().outboxPending).toBeGreaterThan(before);

    server = await startTestServer({ dataDir: serverDir, port });
    await until(() => agent.status().outboxPending === 0, 'outbox uploaded after head office returned', 20_000);
    const db = new Database(join(serverDir, 'sync.sqlite'), { readonly: true });
    const local = new Database(agent.databaseFile, { readonly: true });
    try {
      const sent = local.prepare<[], { message_id: string }>('SELECT message_id FROM outbox').all().map((r) => r.message_id);
      const stored = db.prepare<[], { message_id: string }>('SELECT message_id FROM events').all().map((r) => r.message_id);
      expect(new Set(stored).size).toBe(stored.length);
      for (const id of sent) expect(stored).toContain(id);
    } finally {
      db.close();
      local.close();
    }
  });

  it('compares checksums only in step with head office: its own upload is no divergence, a real one is repaired', async () => {
    server = await startTestServer({ dataDir: tempDir('soo-head-office-') });
    const serverDir = server.dataDir;
    const port = server.server.port;
    await addStore('store-a');
    await addProfile('p-1', 'Ada', '2001234567893', ['store-a']);
    const dataDir = tempDir('soo-store-a-');
    const lines: string[] = [];
    const capturing = (pairingCode?: string): Promise<Agent> =>
      startAgent(
        parseAgentConfig({
          storeId: 'store-a',
          dataDir,
          embeddedBrokerPort: 0,
          screens: [{ id: 'entrance', rooms: ['entrance'] }],
          sync: { serverUrl: server!.server.url, ...(pairingCode ? { pairingCode } : {}) },
        }),
        { log: pino({ level: 'debug' }, { write: (line: string) => lines.push(line) }) },
      ).then((agent) => (agents.push(agent), agent));
    let agent = await capturing(await pairingCode('store-a'));
    await online(agent);
    await until(() => localFirstName(agent, 'p-1') === 'Ada', 'profile synced');

    // A recognition waits in the outbox over a restart: the first pass after it uploads the
    // visit, head office counts it into Ada's profile, then the pass compares checksums.
    await server.server.close();
    await until(() => agent.status().sync.state === 'offline', 'agent noticed head office is gone');
    expect(await agent.bridge.handle('scan.submit', { screenId: 'entrance', code: '2001234567893', source: 'keyboard-wedge' })).toMatchObject({ status: 'recognised' });
    await agent.stop();
    agents.length = 0;
    server = await startTestServer({ dataDir: serverDir, port });
    const compared = (): number => lines.filter((line) => line.includes('checksums compared with head office')).length;
    const diverged = (): number => lines.filter((line) => line.includes('local copy diverged')).length;
    const comparedBefore = compared();
    agent = await capturing();
    await until(() => compared() > comparedBefore, 'first pass compared checksums', 15_000);
    expect(agent.status().outboxPending).toBe(0);
    expect(diverged()).toBe(0);
    expect(lines.filter((line) => line.includes('"agreed":4')).length).toBeGreaterThan(0);

    // Now a real divergence, as an old backup restored over the file would leave: Ada lost,
    // and a profile head office never sent. The next start finds it by checksum, downloads
    // the profiles again: Ada is back and the stranger is gone.
    await agent.stop();
    agents.length = 0;
    const db = new Database(agent.databaseFile);
    try {
      db.prepare("DELETE FROM identifiers WHERE profile_id = 'p-1'").run();
      db.prepare("DELETE FROM profiles WHERE id = 'p-1'").run();
      db.prepare("DELETE FROM sync_rows WHERE collection = 'profiles' AND key = 'p-1'").run();
      db.prepare("INSERT INTO profiles (id, first_name, updated_at) VALUES ('p-ghost', 'Ghost', '2026-01-01T00:00:00.000Z')").run();
      db.prepare("INSERT INTO sync_rows (collection, key, version) VALUES ('profiles', 'p-ghost', 1)").run();
    } finally {
      db.close();
    }
    agent = await capturing();
    await until(() => localFirstName(agent, 'p-1') === 'Ada', 'Ada downloaded again', 15_000);
    await until(() => localFirstName(agent, 'p-ghost') === undefined, 'the stranger removed');
    expect(diverged()).toBe(1);
  });

  it('a revoked device is cut off at once; an erased profile disappears from the store', async () => {
    server = await startTestServer();
    await addStore('store-a');
    await addProfile('p-erase', 'Eve', 'LOY-9', ['store-a']);
    await addProfile('p-keep', 'Kim', 'LOY-10', ['store-a']);
    const devices = async () => ((await ok(server!.admin('GET', '/api/devices'))) as { devices?: Array<{ deviceId: string }> } | Array<{ deviceId: string }>);
    const agent = await startStoreAgent('store-a', await pairingCode('store-a'));
    await online(agent);
    await until(() => localFirstName(agent, 'p-erase') === 'Eve', 'profile synced');

    await ok(server.admin('DELETE', '/api/profiles/p-erase'));
    await until(() => localFirstName(agent, 'p-erase') === undefined, 'tombstone applied', 5_000);
    expect(localFirstName(agent, 'p-keep')).toBe('Kim');

    const list = await devices();
    const all = Array.isArray(list) ? list : (list.devices ?? []);
    const deviceId = all[0]!.deviceId;
    await ok(server.admin('POST', `/api/devices/${deviceId}/revoke`));
    await until(() => agent.status().sync.state === 'revoked', 'agent told it was revoked', 5_000);
  });
});

/**
 * The technician's status view end to end in Chromium (browser mode): a real Mosquitto,
 * the agent as its own process with a real SQLite file, and, for pairing, a real head-office
 * sync server started in this process.
 */
import { expect, test, type Page, type WebSocketRoute } from '@playwright/test';
import { join } from 'node:path';
import mqtt from 'mqtt';
import Database from 'better-sqlite3';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto';
import { seededDataDir, CUSTOMERS, removeSeededDataDirs } from '../helpers/store-fixture';
import { PROJECT_ROOT, spawnAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { startTestServer, type TestServer } from '../../sync-server/testing/test-server';
import { FIRST_SYNC_POLL_MS } from '../../renderer/src/signage/first-sync';
import type { AgentConfigInput } from '../../main/config/agent-config';

const MAYA_CARD = '2001234567893';
const SOFIA_CARD = '2009876543213';

let broker: TestBroker;
let headOffice: TestServer;

test.beforeAll(async () => {
  broker = await startMosquitto();
  // Generous pairing attempts: a repeated run must not be slowed by the per-address limit.
  headOffice = await startTestServer({ pairing: { attemptsPerMinute: 1000 } });
  const store = await headOffice.admin('POST', '/api/stores', { id: 'demo-store', name: 'Demo store' });
  expect([201, 409]).toContain(store.status);
});

test.afterAll(async () => {
  await headOffice?.stop();
  await broker?.stop();
  removeSeededDataDirs();
});

async function startAgent(dataDir: string, extra: Partial<AgentConfigInput> = {}): Promise<AgentProcess> {
  return spawnAgentProcess({
    dataDir,
    brokerUrl: broker.url,
    httpPort: 0,
    rendererDir: join(PROJECT_ROOT, 'out/renderer'),
    // Playwright's first synthetic key can lag the rest on a loaded machine; a real scanner's do not.
    scanner: { minLength: 6, maxAverageGapMs: 60, silenceMs: 250, prefix: '' },
    screens: [{ id: 'entrance', name: 'Entrance', rooms: ['entrance'] }],
    ...extra,
  });
}

/**
 * The browser goes first. The agent's shutdown waits on every open HTTP connection, and
 * Chromium keeps preconnected sockets (no request sent yet) open for as long as the
 * context lives: with one open, `agent.stop()` does not return. Closing the context
 * closes them.
 */
async function stopAgent(page: Page, agent: AgentProcess): Promise<void> {
  await page.context().close();
  await agent.stop();
}

/** An agent of store demo-store that knows its head office but was given no pairing code. */
const startUnpairedAgent = (dataDir: string): Promise<AgentProcess> => startAgent(dataDir, { sync: { serverUrl: headOffice.server.url } });

async function newPairingCode(): Promise<string> {
  const added = await headOffice.admin('POST', '/api/stores/demo-store/devices', { name: 'Entrance screen PC' });
  expect(added.status).toBe(201);
  return added.body.pairingCode as string;
}

function pendingInOutbox(dataDir: string): number {
  const db = new Database(join(dataDir, 'store.db'), { readonly: true });
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL AND rejected_reason IS NULL').get()!.n;
  } finally {
    db.close();
  }
}

function outboxEvents(dataDir: string): Array<{ event: string; userId?: string }> {
  const db = new Database(join(dataDir, 'store.db'), { readonly: true });
  try {
    return db.prepare<[], { payload: string }>('SELECT payload FROM outbox ORDER BY seq').all().map((r) => JSON.parse(r.payload));
  } finally {
    db.close();
  }
}

test('?view=status shows the broker, what the store holds and waits on, and a store without head office', async ({ page }) => {
  const dataDir = seededDataDir();
  const agent = await startAgent(dataDir);
  const publisher = await mqtt.connectAsync(broker.url);
  try {
    // Events for the outbox (a networked scanner recognising Maya) and input the agent refuses.
    // The agent says it is ready before its MQTT subscription is confirmed, and QoS 0 keeps
    // nothing for a subscriber that is not there yet: scan until it lands (a repeat within
    // 5 s is the same scan to the agent).
    await expect
      .poll(async () => {
        await publisher.publishAsync('store/scan/entrance', MAYA_CARD);
        return pendingInOutbox(dataDir);
      })
      .toBeGreaterThan(0);
    await publisher.publishAsync('espresense/devices/bad/entrance', 'not json');

    await page.goto(`${agent.httpUrl}/?view=status&screen=entrance`);
    const view = page.getByTestId('status-view');
    await expect(view).toBeVisible();
    await expect(view).toContainText('entrance');
    await expect(page.getByTestId('store-id')).toHaveText('demo-store');
    await expect(page.getByTestId('device-id')).toHaveText('demo-device');
    await expect(page.getByTestId('started-at')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(/);
    await expect(page.getByTestId('broker-url')).toHaveText(broker.url);
    await expect(page.getByTestId('broker-connected')).toHaveAttribute('data-connected', 'true');
    await expect(page.getByTestId('broker-connected')).toHaveText('Connected');
    await expect(page.getByTestId('profiles')).toHaveAttribute('data-value', String(Object.keys(CUSTOMERS).length));

    // The outbox count is the SQLite file's, and follows it while the view is open (polled every 2 s).
    const outbox = page.getByTestId('outbox-pending');
    await expect(outbox).toHaveAttribute('data-value', String(pendingInOutbox(dataDir)), { timeout: 10_000 });
    await expect(outbox).toHaveText(String(pendingInOutbox(dataDir)));
    const before = pendingInOutbox(dataDir);
    await publisher.publishAsync('store/scan/entrance', SOFIA_CARD);
    await expect.poll(() => pendingInOutbox(dataDir)).toBeGreaterThan(before);
    await expect(outbox).toHaveAttribute('data-value', String(pendingInOutbox(dataDir)), { timeout: 10_000 });

    await expect(page.getByTestId('rejected').locator('tr[data-reason="mqtt-not-json"]')).toContainText('1');

    const sync = page.getByTestId('sync-state');
    await expect(sync).toHaveAttribute('data-state', 'not-configured');
    await expect(sync).toContainText('No head office set up');
    await expect(page.getByTestId('pairing-form')).toHaveCount(0);
  } finally {
    await publisher.endAsync();
    await stopAgent(page, agent);
  }
});

test('an agent with a head office but no code shows unpaired; a wrong code is refused; the right one pairs it', async ({ page }) => {
  const agent = await startUnpairedAgent(seededDataDir());
  try {
    await page.goto(`${agent.httpUrl}/?view=status&screen=entrance`);
    const sync = page.getByTestId('sync-state');
    await expect(sync).toHaveAttribute('data-state', 'unpaired', { timeout: 10_000 });
    await expect(sync).toContainText('Not paired');
    await expect(page.getByTestId('pairing-form')).toBeVisible();
    const code = page.getByTestId('pairing-code');
    const error = page.getByTestId('pairing-error');

    // Not a code at all: said at once, nothing sent.
    await code.fill('abc');
    await page.getByTestId('pair-submit').click();
    await expect(error).toHaveText('A pairing code is 8 letters and digits; this has 3.');

    // Well formed, but head office never issued it.
    await code.fill('wrong234');
    await page.getByTestId('pair-submit').click();
    await expect(error).toHaveText('Pairing refused: the pairing code is unknown, already used or expired', { timeout: 10_000 });
    await expect(sync).toHaveAttribute('data-state', 'unpaired');

    // The code head office gives, typed in lower case and read out in halves.
    const issued = await newPairingCode();
    await code.fill(`${issued.slice(0, 4).toLowerCase()}-${issued.slice(4).toLowerCase()}`);
    await page.getByTestId('pair-submit').click();
    await expect(sync).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
    await expect(sync).toContainText('Online');
    await expect(page.getByTestId('pairing-form')).toHaveCount(0);
    await expect(page.getByTestId('sync-error')).toHaveText('None');
    await expect(page.getByTestId('last-sync')).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(/, { timeout: 10_000 });
  } finally {
    await stopAgent(page, agent);
  }
});

test('on the signage, Ctrl+Shift+S opens the same view; a code typed into it is not taken for a scan', async ({ page }) => {
  const dataDir = seededDataDir();
  const agent = await startUnpairedAgent(dataDir);
  try {
    await page.goto(`${agent.httpUrl}/?screen=entrance`);
    await expect(page.getByTestId('slide')).toBeVisible();
    // Nothing of it for shoppers.
    await expect(page.getByTestId('status-view')).toHaveCount(0);
    await expect(page.getByTestId('first-sync')).toHaveCount(0);

    await page.keyboard.press('Control+Shift+S');
    await expect(page.getByTestId('status-overlay')).toBeVisible();
    await expect(page.getByTestId('sync-state')).toHaveAttribute('data-state', 'unpaired', { timeout: 10_000 });
    await expect(page.getByTestId('pairing-code')).toBeFocused();

    // Typed as fast as a scanner would, with Enter: it stays in the field, and no one is greeted.
    await page.keyboard.type(SOFIA_CARD, { delay: 8 });
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('pairing-code')).toHaveValue(SOFIA_CARD);
    await expect(page.getByTestId('pairing-error')).toHaveText('A pairing code is 8 letters and digits; this has 13.');
    await expect(page.getByTestId('greeting')).toHaveCount(0);

    // Closed again, the screen hears the scanner as before. Scans reach the agent in order on
    // one connection, so once Maya's card is recognised, a recognition of the code typed into
    // the field (Sofia's) would be in the outbox before hers: only Maya's is there.
    await page.keyboard.press('Control+Shift+S');
    await expect(page.getByTestId('status-overlay')).toHaveCount(0);
    await page.keyboard.type(MAYA_CARD, { delay: 8 });
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('greeting')).toContainText('Maya');
    const recognised = () => outboxEvents(dataDir).filter((e) => e.event === 'Customer Recognized').map((e) => e.userId);
    await expect.poll(recognised).toContain(CUSTOMERS.lapsed.id);
    expect(recognised()).toEqual([CUSTOMERS.lapsed.id]);

    // Escape closes it too.
    await page.keyboard.press('Control+Shift+S');
    await expect(page.getByTestId('status-overlay')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('status-overlay')).toHaveCount(0);
  } finally {
    await stopAgent(page, agent);
  }
});

/**
 * Runs the page's timers through ten of the strip's poll intervals at once instead of
 * waiting them out: a screen still polling would have sent ten requests by the end. A
 * round trip to the page afterwards lets frames it sent meanwhile reach the route first.
 */
async function stillNoneAfterTenPolls(page: Page): Promise<void> {
  await page.clock.runFor(10 * FIRST_SYNC_POLL_MS);
  await page.evaluate(() => undefined);
}

/**
 * Passes the page's bridge through to the real agent, counting `agent.status` requests
 * and putting `sync` into their answers: a store's first download of thousands of changes
 * is hard to catch in a test at the agent's real pace.
 */
async function rewriteSyncStatus(page: Page, sync: () => Record<string, unknown>): Promise<{ statusRequests: () => number }> {
  let statusRequests = 0;
  await page.routeWebSocket(/\/bridge$/, (ws: WebSocketRoute) => {
    const agent = ws.connectToServer();
    const statusIds = new Set<number>();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { id: number; name: string };
      if (frame.name === 'agent.status') {
        statusRequests += 1;
        statusIds.add(frame.id);
      }
      agent.send(message);
    });
    agent.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { kind: string; id: number; ok: boolean; result: Record<string, unknown> };
      if (frame.kind !== 'response' || !frame.ok || !statusIds.delete(frame.id)) return ws.send(message);
      ws.send(JSON.stringify({ ...frame, result: { ...frame.result, sync: sync() } }));
    });
  });
  return { statusRequests: () => statusRequests };
}

test('a store’s first download shows a progress strip over the content loop, gone once synced; then the screen stops asking', async ({ page }) => {
  const agent = await startAgent(seededDataDir());
  let sync: Record<string, unknown> = { state: 'connecting', lastSyncAt: null, cursor: 0, remaining: 0, lastError: null };
  const bridge = await rewriteSyncStatus(page, () => sync);
  // Time flows as usual, but can be fast-forwarded through the page's timers below.
  await page.clock.install();
  try {
    await page.goto(`${agent.httpUrl}/?screen=entrance`);
    await expect(page.getByTestId('slide')).toBeVisible();
    await expect(page.getByTestId('first-sync')).toHaveCount(0);

    sync = { ...sync, state: 'online', cursor: 2000, remaining: 12_345 };
    const strip = page.getByTestId('first-sync');
    await expect(strip).toHaveText('Setting up this store: 12,345 updates to go', { timeout: 10_000 });
    await expect(strip.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '0');
    // The loop goes on underneath.
    await expect(page.getByTestId('slide')).toBeVisible();

    sync = { ...sync, cursor: 8000, remaining: 3_086 };
    await expect(strip).toHaveText('Setting up this store: 3,086 updates to go', { timeout: 10_000 });
    await expect(strip.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '75');

    sync = { ...sync, cursor: 14_345, remaining: 0, lastSyncAt: new Date().toISOString() };
    await expect(strip).toHaveCount(0, { timeout: 10_000 });
    await expect(page.getByTestId('slide')).toBeVisible();
    const asked = bridge.statusRequests();
    await stillNoneAfterTenPolls(page);
    expect(bridge.statusRequests()).toBe(asked);
  } finally {
    await stopAgent(page, agent);
  }
});

test('a store without head office asks for the status once, and shows no strip', async ({ page }) => {
  const agent = await startAgent(seededDataDir());
  const bridge = await rewriteSyncStatus(page, () => ({ state: 'not-configured', lastSyncAt: null, cursor: 0, remaining: 0, lastError: null }));
  await page.clock.install();
  try {
    await page.goto(`${agent.httpUrl}/?screen=entrance`);
    await expect(page.getByTestId('slide')).toBeVisible();
    await expect.poll(() => bridge.statusRequests()).toBe(1);
    await stillNoneAfterTenPolls(page);
    expect(bridge.statusRequests()).toBe(1);
    await expect(page.getByTestId('first-sync')).toHaveCount(0);
  } finally {
    await stopAgent(page, agent);
  }
});

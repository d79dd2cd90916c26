/**
 * The counter kiosk end to end in Chromium: a real Mosquitto, the agent as its own
 * process with a real SQLite file, no sync server anywhere (the store is offline).
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import Database from 'better-sqlite3';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto';
import { canonicalBeacon, espresenseId, removeSeededDataDirs, seededDataDir } from '../helpers/store-fixture';
import { seedPurchases } from '../helpers/purchase-fixture';
import { PROJECT_ROOT, spawnAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { scanWithWedge } from '../helpers/wedge-scanner';

const MAYA_CARD = '2001234567893';
const UNKNOWN_CARD = '2000000000770';
const MISREAD_CARD = '2001234567890';

let broker: TestBroker;
let agent: AgentProcess;
let publisher: MqttClient;
let dataDir: string;

test.beforeAll(async () => {
  broker = await startMosquitto();
  dataDir = seededDataDir();
  seedPurchases(dataDir, 'p-lapsed', [{ sku: 'flat-white', quantity: 1, modifiers: ['oat'] }, { sku: 'croissant', quantity: 1, modifiers: [] }], [1, 2, 3]);
  agent = await spawnAgentProcess({
    dataDir,
    brokerUrl: broker.url,
    httpPort: 0,
    rendererDir: join(PROJECT_ROOT, 'out/renderer'),
    timeZone: 'UTC',
    // Playwright's first synthetic key can lag the rest by ~100 ms on a loaded 2-core machine;
    // a real scanner's do not. Tolerances as a store would set them for a slower scanner.
    scanner: { minLength: 6, maxAverageGapMs: 60, silenceMs: 250, prefix: '' },
    screens: [
      { id: 'till', name: 'Till', kind: 'kiosk', rooms: ['front-counter'] },
      { id: 'entrance', name: 'Entrance', rooms: ['entrance'] },
    ],
  });
  publisher = await mqtt.connectAsync(broker.url);
});

test.afterAll(async () => {
  await publisher?.endAsync();
  await agent?.stop();
  await broker?.stop();
  removeSeededDataDirs();
});

function query<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(dataDir, 'store.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

const events = (name: string) =>
  query<{ payload: string }>('SELECT payload FROM outbox WHERE event = ? ORDER BY seq', name).map(
    (r) => JSON.parse(r.payload) as { userId?: string; anonymousId?: string; properties: Record<string, unknown> },
  );

async function openKiosk(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${agent.httpUrl}/?view=kiosk&screen=till`);
  await expect(page.getByTestId('kiosk')).toHaveAttribute('data-scanner', 'ready');
}

/** A keyboard-wedge scanner: the code in a burst at ~8 ms a character, then Enter. */
const scan = (page: Page, code: string): Promise<void> => scanWithWedge(page, code);

test('a scan opens the right card with the usual order; staff edit and confirm it; one purchase lands in the outbox', async ({ page }) => {
  await openKiosk(page);
  await scan(page, MAYA_CARD);
  const card = page.getByTestId('customer-card');
  await expect(card.getByTestId('card-name')).toHaveText('Maya Okafor');
  await expect(card.getByTestId('usual-basis')).toContainText('usual');
  // The usual order is pre-filled, ready to confirm.
  const order = page.getByTestId('order');
  await expect(order.getByTestId('order-line')).toHaveCount(2);
  await expect(order).toContainText('Flat white');
  await expect(order).toContainText('Butter croissant');
  await expect(order.locator('[data-testid="order-line"][data-sku="flat-white"]').getByTestId('line-modifiers')).toContainText('Oat milk');
  // A double scan keeps one card.
  await scan(page, MAYA_CARD);
  await expect(page.getByTestId('customer-card')).toHaveCount(1);
  await page.screenshot({ path: join(PROJECT_ROOT, 'docs/kiosk-card.png') });

  // Swap the croissant for a latte with an extra shot.
  await order.locator('[data-testid="order-line"][data-sku="croissant"]').getByTestId('remove-line').click();
  await page.locator('[data-testid="product"][data-sku="latte"]').click();
  const latte = order.locator('[data-testid="order-line"][data-sku="latte"]');
  await expect(latte).toHaveCount(1);
  await latte.getByTestId('qty-inc').click();
  await expect(latte.getByTestId('line-quantity')).toHaveText('2');

  await page.getByTestId('staff-id').fill('S-12');
  await page.getByTestId('confirm-order').click();
  await expect(page.getByTestId('order-confirmed')).toBeVisible();

  const orders = events('Order Completed');
  expect(orders).toHaveLength(1);
  expect(orders[0]!.userId).toBe('p-lapsed');
  expect(orders[0]!.properties).toMatchObject({ staff_id: 'S-12', kiosk_id: 'till', currency: 'GBP' });
  const products = (orders[0]!.properties.products as Array<{ sku: string; quantity: number }>).map((p) => [p.sku, p.quantity]);
  expect(products.sort()).toEqual([['flat-white', 1], ['latte', 2]]);
  // The next visit's usual order already knows: the purchase is in the local history.
  expect(query('SELECT order_id FROM purchases WHERE profile_id = ? AND staff_id = ?', 'p-lapsed', 'S-12')).toHaveLength(1);
});

test('enrolling at the counter links the scanned card and the anonymous phone beacon at the counter', async ({ page }) => {
  await openKiosk(page);
  const id = espresenseId(77);
  for (const distance of [1.2, 1.0, 0.9]) {
    await publisher.publishAsync(`espresense/devices/${id}/front-counter`, JSON.stringify({ id, 'rssi@1m': -59, rssi: -60, distance }));
  }
  await expect(page.locator(`[data-testid="present-item"][data-key="${canonicalBeacon(77)}"]`)).toBeVisible();

  await scan(page, UNKNOWN_CARD);
  await expect(page.getByTestId('unknown-card')).toBeVisible();
  await page.getByTestId('enrol-new').click();
  const form = page.getByTestId('enrol-form');
  await form.getByTestId('enrol-first-name').fill('Ada');
  await form.getByTestId('enrol-last-name').fill('Lovelace');
  await form.getByTestId('consent-tracking').click();
  await expect(form.getByTestId('link-scanned-code')).toBeChecked();
  await expect(form.getByTestId('link-beacon')).toBeChecked();
  await form.getByTestId('enrol-submit').click();
  await expect(page.getByTestId('card-name')).toHaveText('Ada Lovelace');

  const [owner] = query<{ profile_id: string }>("SELECT profile_id FROM identifiers WHERE kind = 'loyalty' AND value = ?", UNKNOWN_CARD);
  expect(owner).toBeDefined();
  const linked = query<{ kind: string; value: string }>('SELECT kind, value FROM identifiers WHERE profile_id = ? ORDER BY kind', owner!.profile_id);
  expect(linked).toEqual([{ kind: 'beacon', value: canonicalBeacon(77) }, { kind: 'loyalty', value: UNKNOWN_CARD }]);
  const links = events('Identity Linked').filter((e) => e.userId === owner!.profile_id);
  expect(links.find((e) => e.properties.kind === 'beacon')?.anonymousId).toBe(canonicalBeacon(77));
  // The anonymous visitor at the counter is now the new member.
  await expect(page.locator(`[data-testid="present-item"][data-key="${owner!.profile_id}"]`)).toBeVisible();
});

test('a misread card says so plainly, and the status shows the store offline with events waiting', async ({ page }) => {
  await openKiosk(page);
  await scan(page, MISREAD_CARD);
  await expect(page.getByTestId('scan-error')).toContainText(/misread|scan again/i);
  await expect(page.getByTestId('customer-card')).toHaveCount(0);
  const [pending] = query<{ n: number }>('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL');
  expect(pending!.n).toBeGreaterThan(0);
  await expect(page.getByTestId('outbox-pending')).toHaveText(String(pending!.n));
  await expect(page.getByTestId('kiosk-status')).toContainText('Offline');
});

/**
 * End to end in Chromium (browser mode): a real Mosquitto, the agent as its own process
 * with a real SQLite file, and the signage page it serves.
 */
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import Database from 'better-sqlite3';
import { startMosquitto, type TestBroker } from '../helpers/mosquitto';
import { seededDataDir, espresenseId, removeSeededDataDirs } from '../helpers/store-fixture';
import { PROJECT_ROOT, spawnAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { scanWithWedge } from '../helpers/wedge-scanner';

let broker: TestBroker;
let agent: AgentProcess;
let publisher: MqttClient;
let dataDir: string;

test.beforeAll(async () => {
  broker = await startMosquitto();
  dataDir = seededDataDir();
  agent = await spawnAgentProcess({
    dataDir,
    brokerUrl: broker.url,
    httpPort: 0,
    rendererDir: join(PROJECT_ROOT, 'out/renderer'),
    greetingDurationMs: 3000,
    screens: [
      { id: 'entrance', name: 'Entrance', rooms: ['entrance'] },
      { id: 'counter', name: 'Counter', rooms: ['front-counter'] },
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

function outbox(): Array<{ event: string; userId?: string; properties: Record<string, unknown> }> {
  const db = new Database(join(dataDir, 'store.db'), { readonly: true });
  try {
    return db.prepare<[], { payload: string }>('SELECT payload FROM outbox ORDER BY seq').all().map((r) => JSON.parse(r.payload));
  } finally {
    db.close();
  }
}

/** Records every greeting text the page ever shows, so a test can prove one never appeared. */
async function openScreen(page: Page, screenId: string): Promise<void> {
  await page.goto(`${agent.httpUrl}/?screen=${screenId}`);
  await expect(page.getByTestId('slide')).toBeVisible();
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seenGreetings: string[] }).seenGreetings = seen;
    new MutationObserver(() => {
      for (const element of document.querySelectorAll('[data-testid="greeting"]')) {
        const text = element.textContent ?? '';
        if (text && !seen.includes(text)) seen.push(text);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

const seenGreetings = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { seenGreetings: string[] }).seenGreetings);

async function walkUp(minor: number, room: string): Promise<void> {
  const id = espresenseId(minor);
  for (const distance of [1.3, 1.1, 1.0]) {
    await publisher.publishAsync(`espresense/devices/${id}/${room}`, JSON.stringify({ mac: 'dd8800003777', id, 'rssi@1m': -59, rssi: -63, rxAdj: 0, rssiVar: 2, distance, var: 0.3, int: 1020 }));
  }
}

test('a lapsed customer seen by an ESPresense gateway is greeted on the screen, then the loop resumes', async ({ page }) => {
  await openScreen(page, 'entrance');
  await walkUp(1, 'entrance');
  const greeting = page.getByTestId('greeting');
  await expect(greeting).toContainText('Welcome back, Maya! We missed you for 40 days.');
  await expect(greeting).not.toContainText('Okafor');
  // The README shows what a shopper sees; the test run takes the picture, not a person.
  await greeting.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
  await page.screenshot({ path: join(PROJECT_ROOT, 'docs/signage-greeting.png') });
  // The screen reported it on screen: one "Promotion Viewed" for that decision.
  await expect.poll(() => outbox().filter((e) => e.event === 'Promotion Viewed' && e.userId === 'p-lapsed').length).toBe(1);
  // After greetingDurationMs the content loop is back.
  await expect(page.getByTestId('greeting')).toHaveCount(0, { timeout: 10_000 });
  await expect(page.getByTestId('slide')).toBeVisible();
});

test('a customer who did not consent is not greeted on the public screen', async ({ page }) => {
  await openScreen(page, 'entrance');
  await walkUp(2, 'entrance'); // Hiro: no consent to be greeted in public
  await walkUp(3, 'entrance'); // Leo: consents; published after Hiro on the same connection
  await expect(page.getByTestId('greeting')).toContainText('Leo');
  await expect.poll(() => outbox().some((e) => e.event === 'Greeting Decided' && e.userId === 'p-private')).toBe(true);
  const decided = outbox().find((e) => e.event === 'Greeting Decided' && e.userId === 'p-private');
  expect(decided?.properties.outcome).toBe('none');
  expect((await seenGreetings(page)).join(' ')).not.toContain('Hiro');
});

test('a loyalty card typed by a keyboard-wedge scanner greets the customer; slow human typing does not scan', async ({ page }) => {
  await openScreen(page, 'counter');
  // A person typing Hiro's card number slowly is not a scan.
  await page.keyboard.type('2005555555553', { delay: 120 });
  await page.keyboard.press('Enter');
  // The scanner: a burst at ~8 ms a character, ended by Enter.
  await scanWithWedge(page, '2009876543213');
  await expect(page.getByTestId('greeting')).toContainText('Sofia');
  const scans = outbox().filter((e) => e.event === 'Customer Recognized' && e.properties.method === 'scan');
  expect(scans.map((e) => e.userId)).toEqual(['p-scanned']);
});

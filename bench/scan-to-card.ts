/**
 * Benchmark 6: a loyalty card scanned at the till (keyboard-wedge scanner) → the customer's
 * card with the usual order rendered in the kiosk page, in Chromium, against the agent in
 * browser mode; beside the bridge round trips alone, measured from the same page.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';
import type { OrderLine } from '../protocol/kiosk';
import { startAgent } from '../main/agent';
import { parseAgentConfig } from '../main/config/agent-config';
import { openDatabase } from '../main/store/database';
import { PurchaseStore } from '../main/orders/purchase-store';
import { StoreClock } from '../main/decisions/local-time';
import { silentLogger } from './agent-harness';
import { startBroker } from './broker';
import { cpuMeter, worstForeign } from './machine';
import { fmtInt, fmtMiB, fmtTriple, fmtUs, summarize } from './percentiles';
import { ensureProfileFixture, fixtureLoyalty, fixtureProfile, fixtureProfileId, workingCopy } from './profiles-fixture';
import { sleep, verdict, type BenchFunction } from './result';

const GOAL_P99_MS = 100;
const REPO = fileURLToPath(new URL('..', import.meta.url));
const RENDERER_DIR = join(REPO, 'out/renderer');
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const USUAL: OrderLine[] = [
  { sku: 'flat-white', quantity: 1, modifiers: ['oat'] },
  { sku: 'croissant', quantity: 1, modifiers: [] },
];
/** Keyboard-wedge scanner settings: as the kiosk e2e test sets them (Playwright's first synthetic key can lag). */
const SCANNER = { minLength: 6, maxAverageGapMs: 60, silenceMs: 250, prefix: '' };

/** Distinct random profile indexes (xorshift32), deterministic. */
function distinctIndexes(count: number, n: number, seed: number): number[] {
  const picked = new Set<number>();
  let x = seed >>> 0 || 1;
  while (picked.size < count) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    picked.add(x % n);
  }
  return [...picked];
}

interface Mark {
  /** Card with the name and the order lines in the DOM (MutationObserver). */
  domMs: number;
  /** The next animation frame after that (the frame that paints it). */
  frameMs: number;
  /** The Enter that ends the burst, from the first keydown: the typing itself. */
  enterMs: number;
}

/**
 * The in-page probe for one scan: start at the first keydown, end when the card shows the
 * name with the order lines. A string, not a function: tsx's esbuild (keepNames) would wrap
 * the function's inner closures in a `__name` helper that the page does not have.
 */
const PROBE = `(({ name, lines }) => {
  window.__benchScan = new Promise((resolve) => {
    let start = null;
    let enter = null;
    function onKey(event) {
      const now = performance.now();
      if (start === null) start = now;
      if (event.key === 'Enter' && enter === null) enter = now;
    }
    window.addEventListener('keydown', onKey, { capture: true });
    function shown() {
      const card = document.querySelector('[data-testid="customer-card"]');
      const cardName = card && card.querySelector('[data-testid="card-name"]');
      if (!cardName || (cardName.textContent || '').trim() !== name) return false;
      return document.querySelectorAll('[data-testid="order"] [data-testid="order-line"]').length >= lines;
    }
    const observer = new MutationObserver(() => {
      if (start === null || enter === null || !shown()) return;
      const dom = performance.now();
      observer.disconnect();
      window.removeEventListener('keydown', onKey, { capture: true });
      requestAnimationFrame(() => resolve({ domMs: dom - start, frameMs: performance.now() - start, enterMs: enter - start }));
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
})`;

async function arm(page: Page, name: string, lines: number): Promise<void> {
  await page.evaluate(`${PROBE}(${JSON.stringify({ name, lines })})`);
}

const ROUND_TRIPS = `(async (requests) => {
  const socket = new WebSocket('ws://' + location.host + '/bridge');
  await new Promise((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error('bridge socket failed'));
  });
  const out = [];
  let id = 1000000;
  for (const request of requests) {
    const myId = id++;
    const started = performance.now();
    await new Promise((resolve, reject) => {
      socket.onmessage = (event) => {
        const frame = JSON.parse(String(event.data));
        if (frame.kind !== 'response' || frame.id !== myId) return;
        if (!frame.ok) reject(new Error(request.name + ': ' + frame.error));
        else resolve();
      };
      socket.send(JSON.stringify({ kind: 'request', id: myId, name: request.name, args: request.args }));
    });
    out.push(performance.now() - started);
  }
  socket.close();
  return out;
})`;

/** Round trips over a second WebSocket opened from the page, the bridge's own frames, one at a time. */
async function bridgeRoundTrips(page: Page, requests: Array<{ name: string; args: unknown }>): Promise<number[]> {
  return (await page.evaluate(`${ROUND_TRIPS}(${JSON.stringify(requests)})`)) as number[];
}

export const benchScanToCard: BenchFunction = async ({ quick, log }) => {
  const profiles = 100_000;
  const scans = quick ? 40 : 100;
  const warmup = quick ? 5 : 10;
  const roundTrips = quick ? 200 : 1_000;
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    // A fresh checkout has no built screens (npm test builds them; a bench alone did not).
    log('building the screens (npx electron-vite build), not timed');
    execFileSync('npx', ['electron-vite', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const fixture = ensureProfileFixture(profiles, log);
  const copy = workingCopy(fixture, 'scan-to-card');
  const broker = await startBroker({ tcpNoDelay: true });
  let browser: Browser | undefined;
  try {
    const customers = distinctIndexes(warmup + scans, profiles, 0x2545f491);
    const seedDb = openDatabase(copy.file);
    try {
      const purchases = new PurchaseStore(seedDb, new StoreClock('UTC'));
      seedDb.transaction(() => {
        for (const i of customers) {
          for (const days of [1, 2, 3]) {
            purchases.record({
              orderId: `bench-${i}-${days}`,
              profileId: fixtureProfileId(i),
              // The same time of day as now, so the usual order is this daypart's.
              orderedAt: new Date(Date.now() - days * 86_400_000),
              lines: USUAL,
              total: 0,
              staffId: 'seed',
              screenId: 'till',
              offerId: null,
            });
          }
        }
      })();
    } finally {
      seedDb.close();
    }
    const config = parseAgentConfig({
      storeId: 'bench-store',
      deviceId: 'bench-agent',
      dataDir: copy.dir,
      brokerUrl: broker.url,
      httpPort: 0,
      rendererDir: RENDERER_DIR,
      timeZone: 'UTC',
      scanner: SCANNER,
      screens: [
        { id: 'till', name: 'Till', kind: 'kiosk', rooms: ['front-counter'] },
        { id: 'entrance', name: 'Entrance', rooms: ['entrance'] },
      ],
    });
    const agent = await startAgent(config, { log: silentLogger() });
    try {
      if (!agent.httpUrl) throw new Error('the agent serves no HTTP (browser mode off)');
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${agent.httpUrl}/?view=kiosk&screen=till`);
      await page.locator('[data-testid="kiosk"][data-scanner="ready"]').waitFor({ timeout: 30_000 });

      const dom: number[] = [];
      const frame: number[] = [];
      const typing: number[] = [];
      const afterEnter: number[] = [];
      const meter = cpuMeter();
      log(`${warmup} warm-up scans then ${scans} timed scans of different customers`);
      for (let n = 0; n < customers.length; n++) {
        const i = customers[n]!;
        const p = fixtureProfile(i);
        const name = p.lastName ? `${p.firstName} ${p.lastName}` : String(p.firstName);
        await arm(page, name, USUAL.length);
        await page.keyboard.type(fixtureLoyalty(i), { delay: 8 });
        await page.keyboard.press('Enter');
        const enteredAt = Date.now();
        const mark = await Promise.race([
          page.evaluate('window.__benchScan') as Promise<Mark>,
          sleep(10_000).then(() => {
            throw new Error(`scan ${n} (${fixtureLoyalty(i)}, ${name}): no card with the usual order within 10 s`);
          }),
        ]);
        if (n >= warmup) {
          dom.push(mark.domMs);
          frame.push(mark.frameMs);
          typing.push(mark.enterMs);
          afterEnter.push(mark.domMs - mark.enterMs);
        }
        await page.getByTestId('close-card').click();
        await page.getByTestId('customer-card').waitFor({ state: 'detached', timeout: 10_000 });
        // The wedge separates bursts by silence: leave more than silenceMs after the Enter before the next burst.
        await sleep(Math.max(0, enteredAt + SCANNER.silenceMs + 50 - Date.now()));
      }
      const scanCpu = meter.stop();

      log(`bridge round trips from the page: ${roundTrips} × kiosk.card, ${roundTrips} × agent.status`);
      const limitMeter = cpuMeter();
      const cardRequests = Array.from({ length: roundTrips + 50 }, (_, k) => ({
        name: 'kiosk.card',
        args: { screenId: 'till', profileId: fixtureProfileId(customers[k % customers.length]!) },
      }));
      const cardTrips = (await bridgeRoundTrips(page, cardRequests)).slice(50);
      const statusTrips = (await bridgeRoundTrips(page, Array.from({ length: roundTrips + 50 }, () => ({ name: 'agent.status', args: {} })))).slice(50);
      const limitCpu = limitMeter.stop();

      const toUs = (ms: number[]): number[] => ms.map((v) => v * 1000);
      const domS = summarize(toUs(dom));
      const frameS = summarize(toUs(frame));
      const typingS = summarize(toUs(typing));
      const afterEnterS = summarize(toUs(afterEnter));
      const cardS = summarize(toUs(cardTrips));
      const statusS = summarize(toUs(statusTrips));
      const browserVersion = browser.version();
      // Graded from the scan's end key: before it the scanner is still transmitting, at its own
      // pace (Playwright's synthetic typing is several times slower than a hardware scanner's).
      const pass = afterEnterS.p99 < GOAL_P99_MS * 1000;
      return {
        title: 'Scan → customer card with the usual order, kiosk in Chromium',
        goal: `p99 < ${GOAL_P99_MS} ms`,
        verdict: verdict(pass),
        headline: {
          result: `p50 ${fmtUs(afterEnterS.p50)}, p99 ${fmtUs(afterEnterS.p99)} from the scan's end key; from its first key p50 ${fmtUs(domS.p50)}, p99 ${fmtUs(domS.p99)} (of which Playwright's typing p50 ${fmtUs(typingS.p50)})`,
          limit: `p50 ${fmtUs(cardS.p50)}, p99 ${fmtUs(cardS.p99)} (kiosk.card bridge round trip)`,
        },
        method: [
          `Agent in-process via startAgent (logger silent) in browser mode (httpPort 0, rendererDir out/renderer from \`npx electron-vite build\`), a \`till\` kiosk screen (kind kiosk, rooms front-counter), a Mosquitto started for the run, timeZone UTC, scanner ${JSON.stringify(SCANNER)} (the e2e test's tolerances). Store: a fresh copy of the cached ${fmtInt(profiles)}-profile fixture (${fmtMiB(fixture.bytes)}; the 1,000,000 one would add a 500 MB copy and nothing to a per-card lookup on primary keys), plus 3 past orders (flat white with oat milk + croissant, 1–3 days ago at this time of day) for each of the ${fmtInt(customers.length)} scanned customers, so each has a usual order.`,
          `Chromium ${browserVersion} (Debian /usr/bin/chromium, headless, --disable-gpu) via Playwright, viewport 1280×800, on \`?view=kiosk&screen=till\` after \`[data-testid=kiosk][data-scanner=ready]\`. Each scan: a different random customer's loyalty card (GS1 in-store EAN-13, valid check digit) typed as a keyboard-wedge burst, \`keyboard.type(code, { delay: 8 })\` then Enter; ${warmup} untimed warm-up scans then ${scans} timed ones; between scans the card is closed (close-card) and gone, and the next burst starts at least ${SCANNER.silenceMs + 50} ms after the previous Enter, so the wedge sees a new burst.`,
          'Timed inside the page with performance.now(), so Playwright\'s own round trips are not counted: start = the first keydown of the burst (a capture listener on window installed before the scan); end = the MutationObserver callback in which `[data-testid=customer-card]` shows the customer\'s name in card-name and `[data-testid=order]` holds both order lines (the DOM is committed; "+ next frame" is the requestAnimationFrame after it, the frame that paints it). The verdict is on Enter → card: a scan is complete when the scanner sends its end key, and before that the time is the scanner\'s (here Playwright synthetic typing, 13 digits 8 ms apart plus its own per-key round trips). First key → card is shown beside it.',
          `Limits, measured from the same page after the scans: round trips over a second WebSocket to the agent's /bridge with the bridge's frames ({kind:'request',id,name,args}), one request at a time: ${fmtInt(roundTrips)} × kiosk.card for the scanned customers (the request the kiosk makes after the scan), and ${fmtInt(roundTrips)} × agent.status (transport alone), each after 50 untimed.`,
        ],
        tables: [
          {
            header: ['limit: agent.status round trip', 'limit: kiosk.card round trip', 'typing: first keydown → Enter', 'Enter → card + order in DOM', 'first keydown → card + order in DOM', 'first keydown → next frame', 'goal', 'result'],
            rows: [[fmtTriple(statusS), fmtTriple(cardS), fmtTriple(typingS), `**${fmtTriple(afterEnterS)}**`, fmtTriple(domS), fmtTriple(frameS), `p99 < ${GOAL_P99_MS} ms`, verdict(pass)]],
          },
        ],
        notes: [
          `Timed from the first keydown, the burst itself (first keydown → Enter, p50 ${fmtUs(typingS.p50)}, p99 ${fmtUs(typingS.p99)}: 13 characters at Playwright's 8 ms delay plus its per-key round trips to Chromium) ${typingS.p50 >= GOAL_P99_MS * 1000 ? 'is over the goal before the agent is asked anything' : 'is most of the figure'}; a hardware scanner\'s pace was not measured here. What the agent and the page add after the last key (Enter → card with its order in the DOM) is p50 ${fmtUs(afterEnterS.p50)}, p99 ${fmtUs(afterEnterS.p99)}${afterEnterS.p99 < GOAL_P99_MS * 1000 ? ', within the goal' : ', over the goal by itself'}.`,
          `Slowest five from Enter to the card: ${[...afterEnter].sort((a, b) => b - a).slice(0, 5).map((ms) => `${ms.toFixed(1)} ms`).join(', ')}; ${afterEnter.filter((ms) => ms >= GOAL_P99_MS).length} of ${fmtInt(scans)} scans took ${GOAL_P99_MS} ms or more after the Enter alone. The agent runs in the benchmark's own Node process, beside Playwright's client (idle while a scan is timed), and Chromium's browser, GPU and renderer processes share the machine's ${cpus().length} cores with it.`,
          `Cells are p50 / p99 / max of ${fmtInt(scans)} scans (round trips: ${fmtInt(roundTrips)} each). Playwright's typing paces the burst: the ~13 × 8 ms of inter-key delay (plus Playwright's per-key CDP round trips) are inside the scan figure, as a real scanner's burst would be; what the agent and the page add is the figure minus the burst.`,
        ],
        foreignCores: worstForeign([scanCpu, limitCpu]),
      };
    } finally {
      await browser?.close();
      await agent.stop();
    }
  } finally {
    await broker.stop();
    copy.remove();
  }
};

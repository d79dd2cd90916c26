/**
 * WorkerPageChecker with a real worker thread: the agent's own page-check-worker (started
 * from source the way `npm run agent` starts it) for big pages only and only while pages
 * come, and a worker that dies with a page in hand, whose pages are then checked on the
 * calling thread.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../log/logger';
import { checkPage } from './page-check';
import { inThreadPageChecker, WorkerPageChecker } from './page-checker';
import { PROFILE_ID_INDEX } from '../store/profile-write';

const consents = { greetPublic: false, personalisedOffers: false, tracking: false };
const page = (from: number, count: number) =>
  new TextEncoder().encode(JSON.stringify(Array.from({ length: count }, (_, i) => ({
    version: from + i,
    collection: 'profiles',
    key: `p-${from + i}`,
    op: 'upsert',
    data: { id: `p-${from + i}`, firstName: 'Ana', consents, identifiers: [{ kind: 'loyalty', value: `L${from + i}` }] },
  })).concat([{ version: from + count, collection: 'profiles', key: 'bad', op: 'upsert', data: { id: 'bad' } } as never])));

/** Checked changes without the check's own timestamp (values[15], the one before the id), which differs between threads. */
const comparable = (checked: ReturnType<typeof checkPage>) =>
  checked.map((c) => (c.kind === 'profile' ? { ...c, profile: { ...c.profile, values: c.profile.values.filter((_, i) => i !== PROFILE_ID_INDEX - 1) } } : c));

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step();
});

describe('WorkerPageChecker', () => {
  it('checks pages on the agent worker thread exactly as on the calling thread, several at once', async () => {
    const errors: string[] = [];
    const log = createLogger('test', 'silent');
    log.error = ((obj: { reason?: string }) => errors.push(obj.reason ?? '')) as typeof log.error;
    const checker = new WorkerPageChecker(new URL('./page-check-worker.ts', import.meta.url), log, { inThreadBelowBytes: 0 });
    cleanup.push(() => checker.close());
    const pages = [page(1, 300), page(400, 300), page(800, 5)];
    const results = await Promise.all(pages.map((bytes) => checker.check(bytes)));
    results.forEach((checked, i) => expect(comparable(checked)).toEqual(comparable(checkPage(pages[i]!))));
    expect(results[0]!.at(-1)).toMatchObject({ kind: 'invalid', key: 'bad' });
    // Had the worker failed to start, the pages would still be right, but checked here: it did not.
    expect(errors).toEqual([]);
    expect(checker.workerRunning).toBe(true);
  });

  it('rejects an unreadable page with the reason, and goes on checking the next', async () => {
    const checker = new WorkerPageChecker(new URL('./page-check-worker.ts', import.meta.url), createLogger('test', 'silent'), { inThreadBelowBytes: 0 });
    cleanup.push(() => checker.close());
    await expect(checker.check(new TextEncoder().encode('{"not":"an array"}'))).rejects.toThrow(/not a JSON array/);
    expect(await checker.check(page(1, 2))).toHaveLength(3);
  });

  it('checks on the calling thread what a worker that died was holding, and everything after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'page-checker-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const dying = join(dir, 'dying-worker.mjs');
    // Takes the first page and exits without answering.
    writeFileSync(dying, "import { parentPort } from 'node:worker_threads';\nparentPort.once('message', () => process.exit(3));\n");
    const reasons: string[] = [];
    const log = createLogger('test', 'silent');
    log.error = ((obj: { reason?: string }) => reasons.push(obj.reason ?? '')) as typeof log.error;
    const checker = new WorkerPageChecker(pathToFileURL(dying), log, { inThreadBelowBytes: 0 });
    cleanup.push(() => checker.close());
    const first = await checker.check(page(1, 3));
    expect(first.map((c) => c.kind)).toEqual(['profile', 'profile', 'profile', 'invalid']);
    expect(reasons).toEqual(['sync page worker exited (3)']);
    expect((await checker.check(page(10, 1)))[0]).toMatchObject({ kind: 'profile', key: 'p-10' });
    expect(checker.workerRunning).toBe(false);
  });

  it('starts a worker only for big pages, and stops it when no page has come for a while', async () => {
    const worker = new URL('./page-check-worker.ts', import.meta.url);
    const checker = new WorkerPageChecker(worker, createLogger('test', 'silent'), { inThreadBelowBytes: 20_000, idleMs: 50 });
    cleanup.push(() => checker.close());
    const small = page(1, 3);
    const big = page(100, 200);
    expect(small.byteLength).toBeLessThan(20_000);
    expect(big.byteLength).toBeGreaterThan(20_000);

    expect(await checker.check(small)).toHaveLength(4);
    expect(checker.workerRunning).toBe(false);
    expect(await checker.check(big)).toHaveLength(201);
    expect(checker.workerRunning).toBe(true);
    await expect.poll(() => checker.workerRunning).toBe(false);
    // A later catch-up starts a new one.
    const again = checker.check(page(500, 200));
    expect(checker.workerRunning).toBe(true);
    expect((await again)[0]).toMatchObject({ kind: 'profile', key: 'p-500' });
  });

  it('checks here, saying why once, when a worker cannot even be started', async () => {
    const reasons: string[] = [];
    const log = createLogger('test', 'silent');
    log.error = ((obj: { reason?: string }) => reasons.push(obj.reason ?? '')) as typeof log.error;
    // Not a file: the Worker constructor throws at once rather than failing later.
    const checker = new WorkerPageChecker(new URL('http://127.0.0.1/page-check-worker.js'), log, { inThreadBelowBytes: 0 });
    cleanup.push(() => checker.close());
    expect((await checker.check(page(1, 2))).map((c) => c.kind)).toEqual(['profile', 'profile', 'invalid']);
    expect((await checker.check(page(5, 1)))[0]).toMatchObject({ kind: 'profile', key: 'p-5' });
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/could not start/);
    expect(checker.workerRunning).toBe(false);
  });
});

describe('inThreadPageChecker', () => {
  it('yields between chunks of a big page, so the agent is not held for the whole page', async () => {
    let yielded = false;
    setImmediate(() => (yielded = true));
    const checked = await inThreadPageChecker.check(page(1, 2500));
    expect(checked).toHaveLength(2501);
    expect(yielded).toBe(true);
  });

  it('checks a small page without waiting for the next turn', async () => {
    let yielded = false;
    setImmediate(() => (yielded = true));
    expect(await inThreadPageChecker.check(page(1, 10))).toHaveLength(11);
    expect(yielded).toBe(false);
  });
});

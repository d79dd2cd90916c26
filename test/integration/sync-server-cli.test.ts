/**
 * `npm run server` as its own process: configured from the environment, generates the
 * admin token once (0600, printed once), migrates a fresh database, and stops cleanly on
 * SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port';

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

interface Started {
  child: ChildProcess;
  url: string;
  stdout: string[];
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function startCli(env: Record<string, string>): Promise<Started> {
  const { SYNC_ADMIN_TOKEN: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/cli/server.ts'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...inherited, SYNC_LOG_LEVEL: 'info', ...env },
  });
  children.push(child);
  const stdout: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  const url = await new Promise<string>((done, fail) => {
    child.once('exit', (code) => fail(new Error(`server exited before listening (code ${code})`)));
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (line.includes('sync server listening')) done((JSON.parse(line) as { url: string }).url);
    });
  });
  return { child, url, stdout };
}

function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('sync server CLI', () => {
  it('generates the admin token at first start only, keeps it 0600, and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sync-cli-'));
    dirs.push(dataDir);
    const port = await freePort();
    const first = await startCli({ SYNC_DATA_DIR: dataDir, SYNC_PORT: String(port) });
    expect(first.url).toBe(`http://127.0.0.1:${port}`);
    const tokenFile = join(dataDir, 'admin-token');
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(first.stdout.join('\n')).toContain(token);

    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const created = await fetch(`${first.url}/api/stores`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'S1', name: 'One' }),
    });
    expect(created.status).toBe(201);
    expect(await stop(first.child)).toBe(0);

    const second = await startCli({ SYNC_DATA_DIR: dataDir, SYNC_PORT: String(port) });
    expect(second.stdout.join('\n')).not.toContain(token);
    const stores = await fetch(`${second.url}/api/stores`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await stores.json()) as { stores: Array<{ id: string }> }).stores.map((s) => s.id)).toEqual(['S1']);
    expect(await stop(second.child)).toBe(0);
  });

  it('takes its scope from the environment, and refuses a scope setting that is not one', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sync-cli-'));
    dirs.push(dataDir);
    await expect(startCli({ SYNC_DATA_DIR: dataDir, SYNC_PORT: '0', SYNC_SCOPE_RECENT_VISIT_DAYS: 'soon' })).rejects.toThrow('exited before listening (code 1)');

    const token = 'cli-scope-token-0123456789abcdef';
    const started = await startCli({ SYNC_DATA_DIR: dataDir, SYNC_PORT: '0', SYNC_ADMIN_TOKEN: token, SYNC_SCOPE_HOME_REGION: '1' });
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${started.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await admin('POST', '/api/stores', { id: 'LDN-1', name: 'London 1', region: 'UK' })).status).toBe(201);
    expect((await admin('POST', '/api/stores', { id: 'LDN-2', name: 'London 2', region: 'UK' })).status).toBe(201);
    const body = { firstName: 'Ada', consents: { greetPublic: true, personalisedOffers: true, tracking: true }, identifiers: [{ kind: 'loyalty', value: 'L-ada' }] };
    expect((await admin('PUT', '/api/profiles/p-ada', body)).status).toBe(201);
    const assigned = await admin('PUT', '/api/stores/LDN-1/profiles/p-ada', { home: true });
    expect(((await assigned.json()) as { heldBy: string[] }).heldBy).toEqual(['LDN-1', 'LDN-2']);
    expect(await stop(started.child)).toBe(0);
  });
});

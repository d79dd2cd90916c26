/**
 * The yardstick for our initial sync: how fast PouchDB replicates N documents from a PouchDB
 * server (express-pouchdb over leveldb, in its own process, see pouchdb-server-process.ts)
 * over loopback into a fresh on-disk PouchDB. The sync benchmark measures this in the same
 * run as our own snapshot, so the two rates share the machine's state of the moment, and
 * the goal ("at least 20× PouchDB's rate") compares like with like.
 *
 * Loading the server is setup, not measured, and slow at a million documents, so the
 * server's database directory is cached under cacheDir and reused while it still holds
 * exactly the expected documents. Only `local.replicate.from(url)` into an empty local
 * database is timed.
 *
 * Run alone: npx tsx bench/pouchdb-replication.ts --docs=20000[,100000] [--batch-size=100[,1000]] [--compression=on|off]
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import PouchDB from 'pouchdb-node';
import { cpuMeter, processCpuMeter } from './machine';

/** Bump when what the cached server database holds changes in a way the fingerprint cannot see. */
const CACHE_VERSION = 1;
const DB_NAME = 'profiles';
/** Documents per _bulk_docs request while loading the server. */
const LOAD_CHUNK = 5_000;
/**
 * PouchDB's own default is 100. 1,000 is clearly faster (a tenth of the round trips and
 * checkpoints per document): on 2 shared cores, ~3,300–4,600 against ~2,300–2,600 docs/s at
 * 20,000 documents, ~4,000 against ~2,800 at 100,000, 4,436 against 3,154 at 1,000,000 (2,000
 * and 5,000 were no better). The comparison uses the faster, to be fair to PouchDB; pass
 * batchSize: 100 to see PouchDB as shipped.
 */
export const DEFAULT_BATCH_SIZE = 1_000;

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SERVER_ENTRY = fileURLToPath(new URL('./pouchdb-server-process.ts', import.meta.url));

export type PouchDoc = { _id: string } & Record<string, unknown>;

export interface PouchReplicationOptions {
  docs: number;
  /** The i-th document; must be a pure function of i, since the loaded server is cached. */
  doc: (i: number) => PouchDoc;
  /** Where the loaded server database is kept between runs (e.g. bench/results/). */
  cacheDir: string;
  log: (line: string) => void;
  /** Replication batch_size; DEFAULT_BATCH_SIZE unless given. */
  batchSize?: number;
  /** Gzip of the server's responses (express-pouchdb's default); off by default, see the server. */
  compression?: boolean;
}

export interface PouchReplication {
  docs: number;
  /** As the replication reported it; equals docs on a fresh target. */
  docsWritten: number;
  /** Wall time of the replication alone. */
  seconds: number;
  /** Documents per second. */
  rate: number;
  /** Seconds the server load took, in this run or (when reused) when the cache was built. */
  loadSeconds: number;
  loadReused: boolean;
  batchSize: number;
  compression: boolean;
  cpu: {
    /** The replicating process (local PouchDB, HTTP client), in cores. */
    clientCores: number;
    /** The server process, in cores. */
    serverCores: number;
    /** Everything else on the machine: other people's benchmarks share these cores. */
    foreignCores: number;
  };
}

// ---------------------------------------------------------------------------------------
// The server child process

interface PouchServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns the server on `dir` and resolves with its URL once it prints it. */
async function startPouchServer(dir: string, compression: boolean): Promise<PouchServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY, `--dir=${dir}`, `--compression=${compression ? 'on' : 'off'}`], {
    cwd: REPO,
    // stdin stays a pipe so the server exits by itself if we die without stopping it.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`PouchDB server did not start within 60 s: ${stderr}`)), 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`PouchDB server exited (${code ?? signal}) before it listened: ${stderr}`));
    });
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      resolve(line.trim());
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { url, pid: child.pid!, stop };
}

// ---------------------------------------------------------------------------------------
// Talking CouchDB's HTTP API for the (unmeasured) load

async function couch<T>(url: string, method: string, body?: unknown, allow: readonly number[] = []): Promise<T | undefined> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (allow.includes(response.status)) return undefined;
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

async function docCount(dbUrl: string): Promise<number | undefined> {
  return (await couch<{ doc_count: number }>(dbUrl, 'GET', undefined, [404]))?.doc_count;
}

async function recreateDatabase(dbUrl: string): Promise<void> {
  await couch(dbUrl, 'DELETE', undefined, [404]);
  await couch(dbUrl, 'PUT');
}

interface BulkResult {
  id?: string;
  ok?: boolean;
  error?: string;
  reason?: string;
}

async function loadDocuments(dbUrl: string, docs: number, doc: (i: number) => PouchDoc, log: (line: string) => void): Promise<void> {
  const progressEvery = Math.max(LOAD_CHUNK, Math.ceil(docs / 10 / LOAD_CHUNK) * LOAD_CHUNK);
  for (let from = 0; from < docs; from += LOAD_CHUNK) {
    const to = Math.min(docs, from + LOAD_CHUNK);
    const batch: PouchDoc[] = [];
    for (let i = from; i < to; i++) batch.push(doc(i));
    const results = (await couch<BulkResult[]>(`${dbUrl}/_bulk_docs`, 'POST', { docs: batch })) ?? [];
    const failed = results.find((r) => r.error !== undefined);
    if (failed || results.length !== batch.length) {
      throw new Error(`_bulk_docs ${from}–${to}: ${failed ? `${failed.id}: ${failed.error} ${failed.reason}` : `${results.length} results for ${batch.length} documents`}`);
    }
    if (to % progressEvery === 0 || to === docs) log(`loaded ${to.toLocaleString('en-US')} / ${docs.toLocaleString('en-US')} documents into the PouchDB server`);
  }
}

// ---------------------------------------------------------------------------------------
// The cached server database

interface CacheMeta {
  version: number;
  docs: number;
  /** Hash of a few documents, so a changed generator invalidates the cache by itself. */
  fingerprint: string;
  loadSeconds: number;
  createdAt: string;
}

function fingerprint(docs: number, doc: (i: number) => PouchDoc): string {
  const hash = createHash('sha256');
  for (const i of new Set([0, Math.floor(docs / 2), docs - 1])) hash.update(JSON.stringify(doc(i)));
  return hash.digest('hex').slice(0, 16);
}

function readMeta(file: string): CacheMeta | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CacheMeta;
  } catch {
    return undefined;
  }
}

interface LoadedServer {
  loadSeconds: number;
  reused: boolean;
}

/** Makes the running server's database hold exactly the N documents, reusing the cache when it does already. */
async function ensureLoaded(dbUrl: string, metaFile: string, expected: Omit<CacheMeta, 'loadSeconds' | 'createdAt'>, doc: (i: number) => PouchDoc, log: (line: string) => void): Promise<LoadedServer> {
  const meta = readMeta(metaFile);
  const count = await docCount(dbUrl);
  if (meta && meta.version === expected.version && meta.fingerprint === expected.fingerprint && count === expected.docs) {
    log(`reusing the loaded PouchDB server database (${count.toLocaleString('en-US')} documents)`);
    return { loadSeconds: meta.loadSeconds, reused: true };
  }
  rmSync(metaFile, { force: true });
  await recreateDatabase(dbUrl);
  const started = process.hrtime.bigint();
  await loadDocuments(dbUrl, expected.docs, doc, log);
  const loadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const found = await docCount(dbUrl);
  if (found !== expected.docs) throw new Error(`PouchDB server holds ${found} documents after loading ${expected.docs}`);
  writeFileSync(metaFile, `${JSON.stringify({ ...expected, loadSeconds, createdAt: new Date().toISOString() }, null, 2)}\n`);
  return { loadSeconds, reused: false };
}

/** Starts from an empty directory when the cache was built by another version or generator. */
function cacheDirectory(cacheDir: string, expected: Omit<CacheMeta, 'loadSeconds' | 'createdAt'>): { serverDir: string; metaFile: string } {
  const dir = join(cacheDir, `pouchdb-${expected.docs}-v${expected.version}`);
  const metaFile = join(dir, 'cache.json');
  const meta = existsSync(metaFile) ? readMeta(metaFile) : undefined;
  if (meta && (meta.version !== expected.version || meta.fingerprint !== expected.fingerprint)) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return { serverDir: join(dir, 'server'), metaFile };
}

// ---------------------------------------------------------------------------------------
// The measured part

interface Replicated {
  docsWritten: number;
  seconds: number;
  cpu: PouchReplication['cpu'];
}

/** Replicates dbUrl into a new leveldb PouchDB in a temporary directory on disk, then removes it. */
async function replicateIntoFreshDatabase(dbUrl: string, docs: number, batchSize: number, serverPid: number, log: (line: string) => void): Promise<Replicated> {
  const dir = mkdtempSync(join(os.tmpdir(), 'pouchdb-replica-'));
  const local = new PouchDB(join(dir, DB_NAME), { adapter: 'leveldb' });
  try {
    const progressEvery = Math.max(batchSize, Math.ceil(docs / 10));
    let nextProgress = progressEvery;
    const meter = cpuMeter();
    const serverMeter = processCpuMeter(serverPid);
    const started = process.hrtime.bigint();
    const replication = local.replicate.from(dbUrl, { batch_size: batchSize });
    replication.on('change', (info) => {
      if (info.docs_written < nextProgress) return;
      nextProgress += progressEvery;
      log(`replicated ${info.docs_written.toLocaleString('en-US')} / ${docs.toLocaleString('en-US')} documents`);
    });
    const result = await replication;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const serverCores = serverMeter.stop();
    const use = meter.stop();
    const info = await local.info();
    if (result.status !== 'complete' || info.doc_count !== docs) {
      throw new Error(`replication ${result.status}: local PouchDB holds ${info.doc_count} documents, expected ${docs}`);
    }
    return { docsWritten: result.docs_written, seconds, cpu: { clientCores: use.ownCores - serverCores, serverCores, foreignCores: use.foreignCores } };
  } finally {
    await local.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measurePouchReplication(options: PouchReplicationOptions): Promise<PouchReplication> {
  const { docs, doc, log } = options;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const compression = options.compression ?? false;
  const expected = { version: CACHE_VERSION, docs, fingerprint: fingerprint(docs, doc) };
  const { serverDir, metaFile } = cacheDirectory(options.cacheDir, expected);
  const server = await startPouchServer(serverDir, compression);
  try {
    const dbUrl = `${server.url}/${DB_NAME}`;
    const loaded = await ensureLoaded(dbUrl, metaFile, expected, doc, log);
    const replicated = await replicateIntoFreshDatabase(dbUrl, docs, batchSize, server.pid, log);
    return {
      docs,
      ...replicated,
      rate: docs / replicated.seconds,
      loadSeconds: loaded.loadSeconds,
      loadReused: loaded.reused,
      batchSize,
      compression,
    };
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------
// Run alone, to check it works and to compare batch sizes

function listArg(name: string, fallback: readonly number[]): number[] {
  const value = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  return value ? value.split(',').map((v) => Number(v.replace(/_/g, ''))) : [...fallback];
}

async function runAlone(): Promise<void> {
  const { fixtureProfile, RESULTS_DIR } = await import('./profiles-fixture');
  const compression = process.argv.includes('--compression=on');
  const log = (line: string): void => console.log(`  ${line}`);
  for (const docs of listArg('docs', [20_000])) {
    for (const batchSize of listArg('batch-size', [DEFAULT_BATCH_SIZE])) {
      const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
      console.log(`${docs.toLocaleString('en-US')} docs, batch_size ${batchSize}, gzip ${compression ? 'on' : 'off'} (load average ${load})`);
      const result = await measurePouchReplication({
        docs,
        doc: (i) => {
          const profile = fixtureProfile(i);
          return { _id: profile.id, ...profile };
        },
        cacheDir: RESULTS_DIR,
        log,
        batchSize,
        compression,
      });
      const { cpu } = result;
      console.log(
        `  => ${Math.round(result.rate).toLocaleString('en-US')} docs/s (${result.seconds.toFixed(1)} s); ` +
          `load ${result.loadSeconds.toFixed(1)} s${result.loadReused ? ' (cached)' : ''}; ` +
          `cores: client ${cpu.clientCores.toFixed(2)}, server ${cpu.serverCores.toFixed(2)}, others ${cpu.foreignCores.toFixed(2)}`,
      );
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runAlone().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/**
 * Sync benchmark: initial sync (snapshot) of N profiles from head office into a fresh store
 * agent, through the agent's own SyncClient (pairing, pipelined pulls, ChangeApplier,
 * checksum check), beside PouchDB replicating the same documents over loopback in the same
 * run. Head office runs in its own process, as it would on its own machine.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../main/log/logger';
import { Outbox } from '../main/outbox/outbox';
import { openDatabase } from '../main/store/database';
import { ProfileStore } from '../main/store/profile-store';
import { WalCheckpointer } from '../main/store/wal-checkpoint';
import { ChangeApplier } from '../main/sync/change-applier';
import { WorkerPageChecker } from '../main/sync/page-checker';
import { SyncClient } from '../main/sync/sync-client';
import { decodeChanges } from '../protocol/sync';
import { DATABASE_FILE } from '../sync-server/server';
import { openSqliteStorage } from '../sync-server/storage/sqlite-storage';
import { ask, type DeviceClient } from '../sync-server/testing/test-server';
import { cpuMeter, processCpuMeter, worstForeign, type CpuUse } from './machine';
import { fmtInt, fmtMiB } from './percentiles';
import { measurePouchReplication, type PouchReplication } from './pouchdb-replication';
import { fixtureProfile, RESULTS_DIR } from './profiles-fixture';
import { verdict, type BenchFunction } from './result';
import { closeAll, pairAndConnect, startBenchServerProcess, type BenchDevice, type ServerProcess } from './sync-common';

const GOAL_PROFILES = 1_000_000;
const GOAL_SECONDS = 10;
const GOAL_TIMES_POUCH = 20;
const STORE = 'SNAP-0001';
/** Bump when the seeded change log would differ (fixture or server schema), so the cache is rebuilt. */
const SEED_VERSION = 1;
/** The agent's default pull page (main/config/agent-config.ts). */
const PULL_BATCH = 5000;

interface Pass {
  seconds: number;
  changes: number;
  pages: number;
  cpu: CpuUse;
  serverCores: number;
}

/**
 * Head office's change log holding `profiles` upserts for STORE, written with the server's
 * own storage. Kept under bench/results/ (a million takes minutes to write) and copied
 * for each run, since pairing devices writes to it.
 */
async function seededHeadOffice(profiles: number, log: (line: string) => void): Promise<{ file: string; seededSeconds: number | undefined }> {
  const dir = join(RESULTS_DIR, `sync-snapshot-${profiles}-v${SEED_VERSION}`);
  const file = join(dir, DATABASE_FILE);
  if (existsSync(file)) return { file, seededSeconds: undefined };
  log(`seeding head office with ${fmtInt(profiles)} profile changes (cached for later runs)`);
  const start = process.hrtime.bigint();
  const building = `${dir}.building`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const storage = openSqliteStorage(join(building, DATABASE_FILE));
  try {
    await storage.createStore({ id: STORE, name: `Store ${STORE}`, region: null, createdAt: new Date().toISOString() });
    for (let from = 0; from < profiles; from += 10_000) {
      await storage.transaction(async (tx) => {
        for (let i = from; i < Math.min(profiles, from + 10_000); i++) {
          const profile = fixtureProfile(i);
          await tx.putChange({ storeId: STORE, collection: 'profiles', key: profile.id, op: 'upsert', data: profile });
        }
      });
      if (from % 200_000 === 0 && from > 0) log(`  ${fmtInt(from)} seeded`);
    }
  } finally {
    // Closing checkpoints the WAL into the file, so the one file is the whole database.
    await storage.close();
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return { file, seededSeconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

/**
 * Head office and the store share this machine's disk here: the previous pass's writes
 * (a build, a first sync: about 1.5 GiB) are flushed before a timed pass, so it does not
 * pay for another machine's writeback.
 */
function settleDisk(): void {
  execFileSync('sync');
}

/** The limit: the same paging (two pulls in flight, like the agent), pages received and dropped. */
async function pullOnly(socket: DeviceClient, serverPid: number): Promise<Pass> {
  const meter = cpuMeter();
  const server = processCpuMeter(serverPid);
  const start = process.hrtime.bigint();
  const pull = (cursor: number) => ask(socket, 'sync.pull', { cursor, limit: PULL_BATCH }, 60_000);
  let next = pull(0);
  let changes = 0;
  let pages = 0;
  for (;;) {
    const page = await next;
    if ('error' in page) throw new Error(`pull refused: ${page.error}`);
    if (page.hasMore) next = pull(page.cursor);
    changes += decodeChanges(page.changesJson).length;
    pages += 1;
    if (!page.hasMore) break;
  }
  const serverCores = server.stop();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, changes, pages, cpu: meter.stop(), serverCores };
}

/** What the agent said when it took a store file (sync-client.ts), or undefined when it pulled pages. */
interface StoreFileTaken {
  downloadMs: number;
  installMs: number;
  copyMs: number;
  checkpointMs: number;
  bytes: number;
}

/** The store file's pages written home on the agent's checkpoint worker, after the first sync. */
interface WrittenHome {
  /** The worker's own time. */
  ms: number;
  /** From the end of the first sync to the worker's answer. */
  afterSyncMs: number;
  frames: number;
}

/** A fresh agent database and the agent's SyncClient, paired with a new code, until its first sync pass is done. */
async function agentFirstSync(
  server: ServerProcess,
  agentFile: string,
  options: { storeFile?: boolean } = {},
): Promise<Pass & { stored: number; pulled: number; storeFile: StoreFileTaken | undefined; writtenHome: WrittenHome | undefined }> {
  const added = await server.admin('POST', `/api/stores/${STORE}/devices`, { name: 'bench agent' });
  if (added.status !== 201) throw new Error(`device: ${added.status} ${JSON.stringify(added.body)}`);
  const db = openDatabase(agentFile);
  const log = createLogger('bench-agent', 'silent');
  let storeFile: StoreFileTaken | undefined;
  const failures: string[] = [];
  log.info = ((obj: unknown) => {
    if (typeof obj === 'object' && obj !== null && 'installMs' in obj) storeFile = obj as StoreFileTaken;
  }) as typeof log.info;
  log.warn = ((obj: unknown, msg?: string) => failures.push(`${msg ?? ''} ${JSON.stringify(obj)}`)) as typeof log.warn;
  const profiles = new ProfileStore(db);
  // As `npm run agent` does: a store file's pages written home on the agent's checkpoint worker.
  const applier = new ChangeApplier(db, profiles, { onRules: () => {}, onPlaylist: () => {}, onPlaylistRemoved: () => {}, onCatalogue: () => {} }, log, {
    checkpointer: new WalCheckpointer(db, new URL('../main/store/wal-checkpoint-worker.ts', import.meta.url), log),
  });
  const outbox = new Outbox(db, { store: { id: STORE }, device: { id: 'bench-agent', type: 'store-agent' }, app: { name: 'bench', version: '1.0.0' } });
  const client = new SyncClient({
    db,
    config: { serverUrl: server.url, pairingCode: added.body.pairingCode as string, uploadBatch: 500, pullBatch: PULL_BATCH, checksumEveryMs: 3_600_000, storeFile: options.storeFile ?? true },
    applier, outbox, log, appVersion: '1.0.0',
    // As `npm run agent` does: pages checked on the agent's worker thread.
    pageChecker: new WorkerPageChecker(new URL('../main/sync/page-check-worker.ts', import.meta.url), log),
    onIdentity: ({ storeId, deviceId }) => outbox.setIdentity(storeId, deviceId),
  });
  try {
    const meter = cpuMeter();
    const serverCpu = processCpuMeter(server.pid);
    const start = process.hrtime.bigint();
    client.start();
    // SyncClient has no "first pass done" event: its status is what the screens poll too.
    for (;;) {
      const status = client.status();
      if (status.lastSyncAt !== null) break;
      if (status.state === 'unpaired' || status.state === 'revoked') throw new Error(`agent could not sync: ${status.lastError}`);
      await new Promise((done) => setTimeout(done, 10));
    }
    const synced = process.hrtime.bigint();
    const seconds = Number(synced - start) / 1e9;
    const serverCores = serverCpu.stop();
    const cpu = meter.stop();
    const stored = profiles.countProfiles();
    let writtenHome: WrittenHome | undefined;
    const home = await applier.writtenHome();
    if (home) {
      if ('error' in home) throw new Error(`background checkpoint: ${home.error}`);
      writtenHome = { ms: home.ms, afterSyncMs: Number(process.hrtime.bigint() - synced) / 1e6, frames: home.frames };
    }
    // A store file that failed, or a checksum that disagreed, would make this another benchmark.
    if (failures.length > 0) throw new Error(`agent warned during its first sync: ${failures.join('; ')}`);
    return { seconds, changes: stored, pages: 0, cpu, serverCores, stored, pulled: applier.cursor(), storeFile, writtenHome };
  } finally {
    await client.stop();
    db.close();
  }
}

export const benchSyncSnapshot: BenchFunction = async ({ quick, log }) => {
  const profiles = quick ? 10_000 : GOAL_PROFILES;
  const pouchDocs = quick ? 5_000 : GOAL_PROFILES;
  const seeded = await seededHeadOffice(profiles, log);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-sync-snapshot-'));
  const agentDir = mkdtempSync(join(tmpdir(), 'bench-sync-agent-'));
  let devices: BenchDevice[] = [];
  let server: ServerProcess | undefined;
  try {
    copyFileSync(seeded.file, join(dataDir, DATABASE_FILE));
    server = await startBenchServerProcess(dataDir);
    devices = await pairAndConnect(server, 1, () => STORE);

    log('limit: pulls only, pages dropped (head office + wire)');
    const limit = await pullOnly(devices[0]!.socket, server.pid);
    closeAll(devices);
    devices = [];

    log('store file: head office builds the store\'s file (POST /api/stores/:id/store-file)');
    const buildStart = process.hrtime.bigint();
    const built = await server.admin('POST', `/api/stores/${STORE}/store-file`, undefined);
    if (built.status !== 200) throw new Error(`store file build: ${built.status} ${JSON.stringify(built.body)}`);
    const build = { seconds: Number(process.hrtime.bigint() - buildStart) / 1e9, bytes: built.body.bytes as number, profiles: built.body.profiles as number };

    log(`snapshot: ${fmtInt(profiles)} profiles into a fresh agent through its SyncClient, taking the store file`);
    const agentFile = join(agentDir, 'store.db');
    settleDisk();
    const snapshot = await agentFirstSync(server, agentFile);
    if (!snapshot.storeFile) throw new Error('the agent did not take the store file');
    const agentBytes = statSync(agentFile).size;

    log(`pages: ${fmtInt(profiles)} profiles into a fresh agent through its SyncClient, as for a store without a file`);
    // Without the file at head office: it is taken by every fresh store that can.
    const pagesFile = join(agentDir, 'pages.db');
    settleDisk();
    const pages = await agentFirstSync(server, pagesFile, { storeFile: false });
    if (pages.storeFile) throw new Error('the pages pass took a store file');
    rmSync(pagesFile, { force: true });
    await server.stop();
    server = undefined;

    log(`PouchDB: replicating ${fmtInt(pouchDocs)} of the same documents from a PouchDB server`);
    const pouch: PouchReplication = await measurePouchReplication({
      docs: pouchDocs,
      doc: (i) => {
        const profile = fixtureProfile(i);
        return { _id: profile.id, ...profile };
      },
      cacheDir: RESULTS_DIR,
      log,
    });

    const rate = profiles / snapshot.seconds;
    const pagesRate = profiles / pages.seconds;
    const times = rate / pouch.rate;
    const complete = snapshot.stored === profiles && pages.stored === profiles;
    const fastEnough = profiles === GOAL_PROFILES ? snapshot.seconds < GOAL_SECONDS : GOAL_PROFILES / rate < GOAL_SECONDS;
    const pass = complete && fastEnough && times >= GOAL_TIMES_POUCH;
    const at1M = (perSecond: number, seconds: number): string => (profiles === GOAL_PROFILES ? `${seconds.toFixed(1)} s` : `≈ ${(GOAL_PROFILES / perSecond).toFixed(1)} s (extrapolated)`);
    const file = snapshot.storeFile!;
    const home = snapshot.writtenHome;
    return {
      title: `Sync: initial snapshot of ${fmtInt(profiles)} profiles into a fresh store agent, beside PouchDB replication`,
      goal: `${fmtInt(GOAL_PROFILES)} profiles in < ${GOAL_SECONDS} s, and ≥ ${GOAL_TIMES_POUCH}× PouchDB's rate in the same run`,
      verdict: verdict(pass),
      headline: {
        result: `${fmtInt(profiles)} in ${snapshot.seconds.toFixed(1)} s = ${fmtInt(rate)} profiles/s (${fastEnough ? 'PASS' : 'MISS'} < ${GOAL_SECONDS} s); PouchDB ${fmtInt(pouch.rate)} docs/s → ${times.toFixed(1)}× (${times >= GOAL_TIMES_POUCH ? 'PASS' : 'MISS'} ≥ ${GOAL_TIMES_POUCH}×)`,
        limit: `pages, for a store without a file: ${pages.seconds.toFixed(1)} s = ${fmtInt(pagesRate)} profiles/s`,
      },
      method: [
        `Head office: ${fmtInt(profiles)} profile upserts for store ${STORE} in its change log, written with the server's own storage (SqliteStorage.putChange, 10,000 per transaction) once and cached under bench/results/ (${seeded.seededSeconds === undefined ? 'reused from an earlier run' : `${seeded.seededSeconds.toFixed(0)} s to build in this run`}; not measured), copied to a fresh data directory each run. The profiles are the benchmark fixture's (bench/profiles-fixture.ts: a loyalty EAN-13 and an iBeacon each, visit history, purchase summaries for 40%). The real sync server runs in its own process (bench/sync-server-child.ts) on 127.0.0.1: head office is another machine in production, so it gets the other core here.`,
        `Store agent: a fresh SQLite file opened with the agent's openDatabase (its migrations; WAL), the agent's own ProfileStore, ChangeApplier, Outbox and SyncClient, configured with a pairing code from the admin API exactly as a new device is. Timed from SyncClient.start() (pairing, connecting) until its first sync pass reports done (status().lastSyncAt, polled every 10 ms), with the collection checksums compared with head office at the end. MQTT, screens and decisions are not running.`,
        `Each timed pass starts after \`sync\`: head office and the store share this disk here, and the build's and the other pass's writes (about 1.5 GiB) would otherwise be flushed during it.`,
        `Snapshot (the result): head office has built the store's file (POST /api/stores/:id/store-file, timed apart below; in production it is built in the background and rebuilt as changes accumulate). The agent, finding its store empty, downloads it over HTTP (${fmtMiB(file.bytes)}, sha256 checked as it streams), copies its synced tables into its own database in one transaction (SQLite's transfer optimisation: records and index entries copied as they are, main/store/store-file-install.ts), then pulls the changes after the file's cursor (none here) and checks the checksums. The copy stays in the WAL: the agent's checkpoint worker (main/store/wal-checkpoint-worker.ts, as \`npm run agent\` starts it) writes it into the database file on its own thread, while the sync goes on; its time is shown apart and is not in the result, and the agent's database is measured after it.`,
        `Pages: the same agent code with the store file turned off (sync.storeFile: false), as a store without a file syncs: every page pulled (${fmtInt(PULL_BATCH)} changes; each page's successor requested as it lands, up to three in hand), decoded and validated with the protocol's zod schemas on the agent's worker thread (main/sync/page-check-worker.ts from source, as \`npm run agent\` runs it), written by the agent's thread in 1,000-change transactions each with its cursor.`,
        'Limit of the pages path: a raw socket.io-client device of the same store paging through the same snapshot with two pulls in flight, each page decoded (JSON.parse) and dropped: head office reading its change log plus Socket.IO and JSON, without the agent\'s validation and writes.',
        `PouchDB: ${fmtInt(pouchDocs)} of the same fixture profiles (as {_id, ...profile}) in a PouchDB server (express-pouchdb over the leveldb adapter, its own process, loaded once and cached, not measured) replicated with local.replicate.from(url, { batch_size: ${pouch.batchSize} }) into a fresh on-disk PouchDB in this process (bench/pouchdb-replication.ts). Rates compared per document. batch_size 1,000 rather than PouchDB's default 100, which was 1.4–1.6× slower here (3,154 docs/s on the million): the comparison is with PouchDB at its best.`,
      ],
      tables: [
        {
          header: ['', 'documents', 'time', 'per second', `${fmtInt(GOAL_PROFILES)} at this rate`, 'agent process cores', 'server process cores', 'goal'],
          rows: [
            ['**our snapshot: SyncClient into a fresh agent, taking the store file**', fmtInt(snapshot.stored), `${snapshot.seconds.toFixed(1)} s`, `**${fmtInt(rate)}**`, `**${at1M(rate, snapshot.seconds)}**`, snapshot.cpu.ownCores.toFixed(2), snapshot.serverCores.toFixed(2), `< ${GOAL_SECONDS} s: ${fastEnough ? 'PASS' : 'MISS'}`],
            ['  of which: download (HTTP, sha256 checked)', '', `${(file.downloadMs / 1000).toFixed(1)} s`, '', '', '', '', '—'],
            ['  of which: install (the agent\'s thread is busy)', '', `${(file.installMs / 1000).toFixed(1)} s`, '', '', '', '', '—'],
            ['    copy of the synced tables (one transaction)', '', `${(file.copyMs / 1000).toFixed(1)} s`, '', '', '', '', '—'],
            ...(home
              ? [['  after it: the pages written home on the agent\'s checkpoint worker (its thread free)', '', `${(home.ms / 1000).toFixed(1)} s, done ${(home.afterSyncMs / 1000).toFixed(1)} s after`, '', '', '', '', '—']]
              : [['    checkpoint (the pages written home and synced)', '', `${(file.checkpointMs / 1000).toFixed(1)} s`, '', '', '', '', '—']]),
            ['pages: SyncClient into a fresh agent, no store file', fmtInt(pages.stored), `${pages.seconds.toFixed(1)} s`, fmtInt(pagesRate), at1M(pagesRate, pages.seconds), pages.cpu.ownCores.toFixed(2), pages.serverCores.toFixed(2), '—'],
            ['limit of pages: pulls only (head office + wire)', fmtInt(limit.changes), `${limit.seconds.toFixed(1)} s`, fmtInt(limit.changes / limit.seconds), `${(GOAL_PROFILES / (limit.changes / limit.seconds)).toFixed(1)} s`, limit.cpu.ownCores.toFixed(2), limit.serverCores.toFixed(2), '—'],
            [`head office builds the store file (${fmtMiB(build.bytes)}, worker thread)`, fmtInt(build.profiles), `${build.seconds.toFixed(1)} s`, fmtInt(build.profiles / build.seconds), '', '', '', '—'],
            [`PouchDB replication (batch_size ${pouch.batchSize})`, fmtInt(pouch.docs), `${pouch.seconds.toFixed(1)} s`, fmtInt(pouch.rate), `${(GOAL_PROFILES / pouch.rate / 60).toFixed(0)} min`, pouch.cpu.clientCores.toFixed(2), pouch.cpu.serverCores.toFixed(2), '—'],
            ['ratio (ours / PouchDB)', '', '', `**${times.toFixed(1)}×**`, '', '', '', `≥ ${GOAL_TIMES_POUCH}×: ${times >= GOAL_TIMES_POUCH ? 'PASS' : 'MISS'}`],
          ],
        },
      ],
      notes: [
        `Agent database after the snapshot: ${fmtInt(snapshot.stored)} profiles (cursor ${fmtInt(snapshot.pulled)}), ${fmtMiB(agentBytes)} main file.${complete ? '' : ' **Incomplete snapshot.**'}`,
        `The install is the one part of a first sync that holds the agent's thread: ${(file.installMs / 1000).toFixed(1)} s here, once, on a store that holds no profile yet (there is nobody to recognise; MQTT messages and screen requests wait and are then served). Pages never hold it longer than a 1,000-change transaction.`,
        `Writing rows one by one cannot reach the goal on this machine: the pages path spends its time in the agent's writes (the profile row, its name-index entry, its identifiers and its sync row, about 25–30 µs a profile, almost all inside SQLite). SQLite alone moving the same rows table to table with re-indexing took 9.0–9.8 s (the "floor" rows of the 2026-11-30 08:40 run, in git history). The store file moves them as pages of records instead.`,
      ],
      foreignCores: worstForeign([limit.cpu, pages.cpu, snapshot.cpu]),
    };
  } finally {
    closeAll(devices);
    if (server) await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(agentDir, { recursive: true, force: true });
  }
};

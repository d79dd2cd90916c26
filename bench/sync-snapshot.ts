/**
 * Sync benchmark: initial sync (snapshot) of N profiles from head office into a fresh store
 * agent's SQLite through the agent's own ChangeApplier and the SyncClient's pull loop.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../main/log/logger';
import { openDatabase } from '../main/store/database';
import { ProfileStore } from '../main/store/profile-store';
import { ChangeApplier } from '../main/sync/change-applier';
import { DATABASE_FILE } from '../sync-server/server';
import { openSqliteStorage } from '../sync-server/storage/sqlite-storage';
import { ask, type DeviceClient } from '../sync-server/testing/test-server';
import { cpuMeter, worstForeign, type CpuUse } from './machine';
import { fmtInt, fmtMiB } from './percentiles';
import { fixtureProfile } from './profiles-fixture';
import { verdict, type BenchFunction } from './result';
import { closeAll, pairAndConnect, startBenchServer, type BenchDevice } from './sync-common';

const GOAL_PROFILES = 1_000_000;
const GOAL_SECONDS = 10;
const STORE = 'SNAP-0001';
/** The agent's default pullBatch (main/config/agent-config.ts). */
const PULL_BATCH = 2000;

interface Pass {
  seconds: number;
  changes: number;
  pages: number;
  cpu: CpuUse;
}

/** The SyncClient's pull loop: from the cursor until hasMore is false, each page applied with its cursor (or dropped, for the limit). */
async function pullLoop(socket: DeviceClient, apply: ((changes: unknown[], cursor: number) => void) | undefined, startCursor: number): Promise<Pass> {
  const meter = cpuMeter();
  const start = process.hrtime.bigint();
  let cursor = startCursor;
  let changes = 0;
  let pages = 0;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await ask(socket, 'sync.pull', { cursor, limit: PULL_BATCH }, 60_000);
    if ('error' in page) throw new Error(`pull refused: ${page.error}`);
    apply?.(page.changes, page.cursor);
    changes += page.changes.length;
    pages += 1;
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, changes, pages, cpu: meter.stop() };
}

export const benchSyncSnapshot: BenchFunction = async ({ quick, log }) => {
  const profiles = quick ? 10_000 : 100_000;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-sync-snapshot-'));
  const agentDir = mkdtempSync(join(tmpdir(), 'bench-sync-agent-'));
  let devices: BenchDevice[] = [];
  let stop: (() => Promise<void>) | undefined;
  try {
    // Seed head office's change log through its own storage (putChange), before the server opens the file.
    log(`seeding ${fmtInt(profiles)} profile changes at head office`);
    const seedStart = process.hrtime.bigint();
    const storage = openSqliteStorage(join(dataDir, DATABASE_FILE));
    try {
      await storage.createStore({ id: STORE, name: `Store ${STORE}`, region: null, createdAt: new Date().toISOString() });
      for (let from = 0; from < profiles; from += 10_000) {
        await storage.transaction(async (tx) => {
          for (let i = from; i < Math.min(profiles, from + 10_000); i++) {
            const profile = fixtureProfile(i);
            await tx.putChange({ storeId: STORE, collection: 'profiles', key: profile.id, op: 'upsert', data: profile });
          }
        });
      }
    } finally {
      await storage.close();
    }
    const seedSeconds = Number(process.hrtime.bigint() - seedStart) / 1e9;

    const test = await startBenchServer(dataDir);
    stop = () => test.stop();
    devices = await pairAndConnect(test, 2, () => STORE);

    log('limit: the same pull loop, pages dropped (server + wire only)');
    const limit = await pullLoop(devices[1]!.socket, undefined, 0);

    log(`snapshot: ${fmtInt(profiles)} profiles into a fresh agent database`);
    const agentFile = join(agentDir, 'agent.sqlite');
    const db = openDatabase(agentFile);
    let snapshot: Pass;
    let stored: number;
    let invalid = 0;
    try {
      const applier = new ChangeApplier(db, new ProfileStore(db), { onRules: () => {}, onPlaylist: () => {}, onPlaylistRemoved: () => {}, onCatalogue: () => {} }, createLogger('bench-applier', 'silent'));
      snapshot = await pullLoop(devices[0]!.socket, (changes, cursor) => {
        invalid += applier.apply(changes, cursor).invalid;
      }, applier.cursor());
      stored = (db.prepare('SELECT count(*) AS n FROM profiles').get() as { n: number }).n;
    } finally {
      db.close();
    }
    const agentBytes = statSync(agentFile).size;
    const rate = profiles / snapshot.seconds;
    const extrapolated = GOAL_PROFILES / rate;
    const complete = stored === profiles && invalid === 0 && snapshot.changes === profiles;
    const pass = complete && extrapolated < GOAL_SECONDS;
    return {
      title: `Sync: initial snapshot into a fresh store agent (${fmtInt(profiles)} profiles measured)`,
      goal: `${fmtInt(GOAL_PROFILES)} profiles in < ${GOAL_SECONDS} s (and ≥ 20× PouchDB replication in the same run)`,
      verdict: verdict(pass),
      headline: {
        result: `${fmtInt(profiles)} in ${snapshot.seconds.toFixed(1)} s = ${fmtInt(rate)} profiles/s → 1,000,000 ≈ ${extrapolated.toFixed(0)} s (extrapolated); PouchDB comparison not run: not installed`,
        limit: `${fmtInt(profiles / limit.seconds)} profiles/s (same pulls, nothing applied)`,
      },
      method: [
        `Head office: ${fmtInt(profiles)} profile upserts for store ${STORE} written into its change log with the server's own storage (SqliteStorage.putChange, 10,000 per transaction; ${seedSeconds.toFixed(1)} s, not measured), the profiles being the benchmark fixture's (bench/profiles-fixture.ts: loyalty EAN-13 + iBeacon identifiers, visit history, purchase summaries for some). Then the real sync server is started on that data directory on 127.0.0.1.`,
        `Store agent: a fresh SQLite file opened with the agent's openDatabase (its migrations; WAL, synchronous=FULL), the agent's ProfileStore and ChangeApplier, and the SyncClient's pull loop reproduced over a raw socket.io-client device (paired through the admin API): sync.pull from the applied cursor with the agent's default batch (${PULL_BATCH}), each page applied and its cursor stored in one transaction, until hasMore is false. Timed from the first pull to the last page committed. The rest of the agent (MQTT, screens, uploader) is not running.`,
        `N = ${fmtInt(profiles)} in a full run (1,000,000 would take minutes of fixture seeding per run); the 1,000,000-profile figure is an extrapolation from the measured rate, assuming it stays linear (the agent's profile indexes grow, so a real 1,000,000 run is likely somewhat slower).`,
        'Limit: the same pull loop on a second device of the store, pages received and dropped: head office reading its change log plus Socket.IO and JSON, with the agent\'s SQLite writes taken out.',
        'PouchDB comparison not run: not installed (the ≥ 20× part of the goal is not graded; only the 10 s part, on the extrapolated rate).',
      ],
      tables: [
        {
          header: ['', 'profiles', 'pages', 'time', 'profiles/s', '1,000,000 at this rate (extrapolated)', 'goal'],
          rows: [
            ['limit: pull only (server + wire)', fmtInt(limit.changes), fmtInt(limit.pages), `${limit.seconds.toFixed(1)} s`, fmtInt(limit.changes / limit.seconds), `${(GOAL_PROFILES / (limit.changes / limit.seconds)).toFixed(0)} s`, '—'],
            ['snapshot: pull + ChangeApplier', fmtInt(snapshot.changes), fmtInt(snapshot.pages), `${snapshot.seconds.toFixed(1)} s`, `**${fmtInt(rate)}**`, `**${extrapolated.toFixed(0)} s**`, `< ${GOAL_SECONDS} s: ${pass ? 'PASS' : 'MISS'}`],
            ['PouchDB replication', '—', '—', '—', '—', '—', 'not run: not installed'],
          ],
        },
      ],
      notes: [
        `Agent database after the snapshot: ${fmtInt(stored)} profiles, ${fmtMiB(agentBytes)} (main file; ${invalid} changes refused as invalid).${complete ? '' : ' **Incomplete snapshot.**'}`,
        `Of the ${snapshot.seconds.toFixed(1)} s, about ${limit.seconds.toFixed(1)} s is head office and the wire (the limit); the rest, about ${Math.max(0, snapshot.seconds - limit.seconds).toFixed(1)} s, is the agent validating (zod profileSchema per change) and writing profiles, identifiers and sync rows.`,
      ],
      foreignCores: worstForeign([limit.cpu, snapshot.cpu]),
    };
  } finally {
    closeAll(devices);
    if (stop) await stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(agentDir, { recursive: true, force: true });
  }
};

/**
 * Sync benchmark: an admin profile edit at head office reaching 1,000 connected devices of
 * the store that holds the profile (poke, then pull), beside a bare Socket.IO broadcast.
 */
import { pullPage } from '../sync-server/testing/test-server';
import { SYNC_NAMESPACE } from '../protocol/sync';
import { storeRoom } from '../sync-server/socket/device-socket';
import { cpuMeter, worstForeign, type CpuUse } from './machine';
import { fmtInt, fmtTriple, summarize, type Summary } from './percentiles';
import { sleep, verdict, type BenchFunction } from './result';
import { closeAll, pairAndConnect, startBenchServer, type BenchDevice } from './sync-common';

const GOAL_P99_MS = 1000;
const STORE = 'FAN-0001';
const PROFILE = 'bench-fanout-profile';
const ROUND_TIMEOUT_MS = 30_000;

const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;
/** fmtTriple takes µs. */
const tripleMs = (s: Summary): string => fmtTriple({ ...s, p50: s.p50 * 1000, p99: s.p99 * 1000, max: s.max * 1000 });

export const benchSyncFanout: BenchFunction = async ({ quick, log }) => {
  const deviceCount = quick ? 200 : 1000;
  const rounds = quick ? 5 : 20;
  const test = await startBenchServer();
  let devices: BenchDevice[] = [];
  try {
    log(`pairing and connecting ${deviceCount} devices of store ${STORE}`);
    const pairStart = process.hrtime.bigint();
    devices = await pairAndConnect(test, deviceCount, () => STORE);
    const pairSeconds = ms(pairStart) / 1000;

    const created = await test.admin('PUT', `/api/profiles/${PROFILE}`, {
      firstName: 'Fan',
      lastName: 'Out',
      consents: { greetPublic: true, personalisedOffers: true, tracking: true },
      identifiers: [{ kind: 'loyalty', value: 'L00000042' }],
    });
    if (created.status !== 201 && created.status !== 200) throw new Error(`profile: ${created.status} ${JSON.stringify(created.body)}`);
    const assigned = await test.admin('PUT', `/api/stores/${STORE}/profiles/${PROFILE}`, { home: true });
    if (assigned.status !== 200) throw new Error(`assign: ${assigned.status} ${JSON.stringify(assigned.body)}`);

    // Every device starts from the store's current cursor (a snapshot pull by one; all share the store).
    const first = await pullPage(devices[0]!.socket, { cursor: 0, limit: 5000 }, 30_000);
    if ('error' in first) throw new Error(first.error);
    if (!first.changes.some((c) => c.collection === 'profiles' && c.key === PROFILE)) throw new Error('the store does not hold the profile');
    const cursors = devices.map(() => first.cursor);

    // ---- Limit: a bare broadcast to the same sockets ------------------------------------
    log(`limit: bare broadcast × ${rounds}`);
    const broadcast: number[] = [];
    const ns = test.server.io.of(SYNC_NAMESPACE) as unknown as { to(room: string): { emit(event: string, body: unknown): void } };
    let bcastStart = 0n;
    let bcastGot = 0;
    let bcastDone: (() => void) | undefined;
    const onPing = (): void => {
      broadcast.push(ms(bcastStart));
      if (++bcastGot === deviceCount) bcastDone?.();
    };
    for (const d of devices) (d.socket as unknown as { on(e: string, f: () => void): void }).on('bench.ping', onPing);
    const limitMeter = cpuMeter();
    for (let r = 0; r < rounds; r++) {
      bcastGot = 0;
      const done = new Promise<void>((resolve) => (bcastDone = resolve));
      bcastStart = process.hrtime.bigint();
      ns.to(storeRoom(STORE)).emit('bench.ping', {});
      await Promise.race([done, sleep(ROUND_TIMEOUT_MS)]);
      await sleep(200);
    }
    const limitCpu = limitMeter.stop();

    // ---- The change: PUT → poke → pull --------------------------------------------------
    const pokeLatency: number[] = [];
    const pullLatency: number[] = [];
    const roundPull: number[] = [];
    let missed = 0;
    let pullErrors = 0;
    const cpus: CpuUse[] = [limitCpu];
    let roundStart = 0n;
    let pulledThisRound = 0;
    let roundDone: (() => void) | undefined;
    let expectVersion = Number.POSITIVE_INFINITY;
    devices.forEach((d, i) => {
      d.socket.on('sync.poke', () => {
        pokeLatency.push(ms(roundStart));
        void (async () => {
          // Bounded: a pull that does not yet show the change (a poke from an earlier commit) is retried a few times.
          for (let attempt = 0; attempt < 5; attempt++) {
            try {
              const page = await pullPage(d.socket, { cursor: cursors[i]!, limit: 1000 }, ROUND_TIMEOUT_MS);
              if ('error' in page) {
                pullErrors += 1;
                return;
              }
              cursors[i] = page.cursor;
              if (page.changes.some((c) => c.collection === 'profiles' && c.key === PROFILE && c.version >= expectVersion)) {
                pullLatency.push(ms(roundStart));
                if (++pulledThisRound === deviceCount) roundDone?.();
                return;
              }
            } catch {
              pullErrors += 1;
              return;
            }
          }
        })();
      });
    });

    log(`${rounds} profile edits → ${deviceCount} devices`);
    for (let r = 0; r < rounds; r++) {
      pulledThisRound = 0;
      const done = new Promise<void>((resolve) => (roundDone = resolve));
      // The new version is above every cursor the devices hold now.
      expectVersion = Math.max(...cursors) + 1;
      const meter = cpuMeter();
      roundStart = process.hrtime.bigint();
      const edit = await test.admin('PUT', `/api/profiles/${PROFILE}`, { firstName: `Fan${r}`, points: r });
      if (edit.status !== 200) throw new Error(`edit: ${edit.status} ${JSON.stringify(edit.body)}`);
      await Promise.race([done, sleep(ROUND_TIMEOUT_MS)]);
      roundPull.push(ms(roundStart));
      cpus.push(meter.stop());
      missed += deviceCount - pulledThisRound;
      log(`edit ${r + 1}: all pulled in ${ms(roundStart).toFixed(0)} ms (${pulledThisRound}/${deviceCount})`);
      await sleep(300);
    }

    const poke = summarize(pokeLatency);
    const pulled = summarize(pullLatency);
    const bcast = summarize(broadcast);
    const pass = missed === 0 && pulled.p99 < GOAL_P99_MS && poke.p99 < GOAL_P99_MS;
    return {
      title: `Sync: profile edit fan-out to ${fmtInt(deviceCount)} devices of one store`,
      goal: `p99 < ${GOAL_P99_MS / 1000} s from the admin PUT to each device having pulled the change`,
      verdict: verdict(pass),
      headline: {
        result: `poke p99 ${poke.p99.toFixed(0)} ms; pulled p50 ${pulled.p50.toFixed(0)} ms, p99 ${pulled.p99.toFixed(0)} ms, max ${pulled.max.toFixed(0)} ms${missed ? `; ${missed} missed` : ''}`,
        limit: `bare broadcast p99 ${bcast.p99.toFixed(1)} ms`,
      },
      method: [
        `Head office: the real sync server on 127.0.0.1 (fresh data directory, WAL, synchronous=FULL), admin/pairing rate limits raised. ${fmtInt(deviceCount)} raw socket.io-client devices (websocket) of store ${STORE}, paired through the admin API and connected in ${pairSeconds.toFixed(1)} s (not measured); the devices live in this process, so their receive work shares the 2 cores with the server.`,
        `The profile is created with PUT /api/profiles/:id and assigned to the store as its home store; each device starts at the store's current cursor.`,
        `Each of ${rounds} rounds: PUT /api/profiles/${PROFILE} (a new firstName and points) by the admin client. Poke latency: from just before the HTTP request starts to each device's sync.poke. Pull latency: to each device's sync.pull from its own cursor (limit 1000) returning the profile at a version above every cursor held before the edit (what the agent's SyncClient does on a poke). ${ROUND_TIMEOUT_MS / 1000} s per round at most; 300 ms between rounds.`,
        `Limit: a bare Socket.IO broadcast (namespace.to(store room).emit of an empty event) to the same ${fmtInt(deviceCount)} sockets, ${rounds} times: what the poke costs with the database and the HTTP request taken out.`,
        'Percentiles are over every (round, device) sample.',
      ],
      tables: [
        {
          header: ['', 'samples', 'p50 / p99 / max', 'goal'],
          rows: [
            ['limit: bare broadcast → received', fmtInt(bcast.n), tripleMs(bcast), '—'],
            ['PUT start → sync.poke received', fmtInt(poke.n), tripleMs(poke), `p99 < ${GOAL_P99_MS / 1000} s: ${poke.p99 < GOAL_P99_MS ? 'PASS' : 'MISS'}`],
            ['PUT start → change pulled', fmtInt(pulled.n), `**${tripleMs(pulled)}**`, `p99 < ${GOAL_P99_MS / 1000} s: ${pulled.p99 < GOAL_P99_MS && missed === 0 ? 'PASS' : 'MISS'}`],
            ['PUT start → last device pulled (per round)', fmtInt(roundPull.length), tripleMs(summarize(roundPull)), '—'],
          ],
        },
      ],
      notes: [
        ...(missed > 0 ? [`${fmtInt(missed)} (round, device) pulls did not complete within ${ROUND_TIMEOUT_MS / 1000} s; ${pullErrors} pull errors.`] : []),
        `Each sync.pull is a read in its own transaction on head office's one SQLite connection (serialised by the storage mutex); the devices' cursors are written once a second, all in one transaction (sync-server/devices/device-cursors.ts), rather than a commit (fsync) per device per change. The spread between "poke received" and "change pulled" is the ${fmtInt(deviceCount)} pulls queued on that connection and their answers on the wire.`,
      ],
      foreignCores: worstForeign(cpus),
    };
  } finally {
    closeAll(devices);
    await test.stop();
  }
};

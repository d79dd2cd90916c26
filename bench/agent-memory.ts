/**
 * Benchmark 4: the agent's resident memory with 1,000,000 local profiles, as its own
 * process (the CLI), after 20,000 loyalty-card scans of random customers plus sightings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { startBroker } from './broker';
import { cpuMeter, worstForeign } from './machine';
import { encodePublish, WirePublisher } from './mqtt-wire';
import { fmtInt, fmtMiB } from './percentiles';
import { ensureProfileFixture, fixtureEspresenseBeacon, fixtureLoyalty, RESULTS_DIR, workingCopy, type ProfileFixture } from './profiles-fixture';
import { sleep, verdict, type BenchFunction } from './result';
import { BENCH_SCREENS, espresenseId, espresensePayload, espresenseTopic, MAJOR, ROOMS } from './traffic';
import { AGENT_NODE_FLAGS } from '../main/cli/agent-runtime-flags';

/** 200 MB, decimal (= 190.7 MiB): the stricter reading of the goal. */
const GOAL_BYTES = 200_000_000;
const REPO = fileURLToPath(new URL('..', import.meta.url));
const KNOWN_DEVICES = 100;
const TSX_RUNS = 2;
const ANONYMOUS_DEVICES = 100;

interface Memory {
  rss: number;
  hwm: number;
  anon: number;
  file: number;
}

function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  };
  return { rss: kib('VmRSS'), hwm: kib('VmHWM'), anon: kib('RssAnon'), file: kib('RssFile') };
}

interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** How the agent is run: under tsx as `npm run agent` does, or the same CLI bundled to plain JavaScript. */
interface Runtime {
  label: string;
  /** node arguments that run `entry` (a repo-relative .ts path for tsx, a bundle otherwise). */
  args(entry: string): string[];
}

const TSX: Runtime = {
  label: `node ${AGENT_NODE_FLAGS.join(' ')} --import tsx main/cli/agent.ts`,
  args: (entry) => [...AGENT_NODE_FLAGS, '--import', 'tsx', entry],
};

const HEAP_PROBE = fileURLToPath(new URL('./heap-probe.mjs', import.meta.url));

/**
 * Spawns `node <runtime args> …` from the repo root and waits for its {"ready":true} line.
 * bench/heap-probe.mjs is preloaded: SIGUSR2 makes it write the V8 heap figures to heapFile.
 */
async function spawnReady(nodeArgs: string[], heapFile: string): Promise<Child> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', HEAP_PROBE, ...nodeArgs], {
    cwd: REPO,
    env: { ...process.env, SOO_LOG_LEVEL: 'silent', BENCH_HEAP_FILE: heapFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${nodeArgs.join(' ')} not ready within 60 s: ${stderr}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${nodeArgs.join(' ')} exited with ${code} before it was ready: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('"ready":true')) return;
      clearTimeout(timer);
      resolve();
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { process: child, stop };
}

interface Heap {
  total: number;
  used: number;
  /** Used heap after a full GC: what the agent really holds. */
  liveAfterGc: number;
  external: number;
}

/** V8's heap and Node's external memory, as the process itself reports them (bench/heap-probe.mjs). */
async function heapOf(child: Child, heapFile: string): Promise<Heap> {
  rmSync(heapFile, { force: true });
  child.process.kill('SIGUSR2');
  const deadline = Date.now() + 10_000;
  while (!existsSync(heapFile)) {
    if (Date.now() > deadline) return { total: Number.NaN, used: Number.NaN, liveAfterGc: Number.NaN, external: Number.NaN };
    await sleep(50);
  }
  await sleep(50);
  return JSON.parse(readFileSync(heapFile, 'utf8')) as Heap;
}

/** The CLI and the idle floor bundled with esbuild (tsx's own dependency), node_modules left external, as a production build would load them. */
async function bundled(): Promise<Runtime & { entries: Record<string, string> }> {
  const { build } = await import('esbuild');
  const outdir = join(RESULTS_DIR, 'bundle');
  await build({
    absWorkingDir: REPO,
    entryPoints: { 'agent-cli': 'main/cli/agent.ts', 'idle-process': 'bench/idle-process.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'silent',
  });
  return {
    label: 'node on the same CLI bundled by esbuild',
    args: (entry) => [...AGENT_NODE_FLAGS, entry],
    entries: { 'main/cli/agent.ts': join(outdir, 'agent-cli.mjs'), 'bench/idle-process.ts': join(outdir, 'idle-process.mjs') },
  };
}

/** Distinct random profile indexes (xorshift32), deterministic. */
function distinctIndexes(count: number, n: number, seed: number, exclude: ReadonlySet<number> = new Set()): number[] {
  const picked = new Set<number>();
  let x = seed;
  while (picked.size < count) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const i = x % n;
    if (!exclude.has(i)) picked.add(i);
  }
  return [...picked];
}

function visitsIn(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM visits').get()?.n ?? 0;
  } finally {
    db.close();
  }
}

interface VariantResult {
  runtime: Runtime;
  floor: Memory;
  atReady: Memory;
  after: Memory;
  heap: Heap;
  peakSampled: number;
  processedSeconds: number;
  expectedVisits: number;
  devices: number;
}

/** One agent process on a fresh copy of the store: floor, ready, 20,000 scans + sightings, then /proc/<pid>/status. */
async function measureVariant(
  runtime: Runtime,
  entry: (script: string) => string,
  fixture: ProfileFixture,
  scans: number,
  log: (line: string) => void,
): Promise<VariantResult> {
  const copy = workingCopy(fixture, 'agent-memory');
  const heapFile = join(copy.dir, 'heap.json');
  const broker = await startBroker({ tcpNoDelay: true });
  try {
    log(`${runtime.label}: floor (agent modules loaded, nothing started)`);
    const idle = await spawnReady(runtime.args(entry('bench/idle-process.ts')), heapFile);
    await sleep(1000);
    const floor = memoryOf(idle.process.pid!);
    await idle.stop();

    const configFile = join(copy.dir, 'agent.json');
    writeFileSync(configFile, JSON.stringify({ storeId: 'bench-store', deviceId: 'bench-agent', dataDir: copy.dir, brokerUrl: broker.url, screens: BENCH_SCREENS }));
    log(`${runtime.label}: agent`);
    const agent = await spawnReady([...runtime.args(entry('main/cli/agent.ts')), '--config', configFile], heapFile);
    try {
      const pid = agent.process.pid!;
      await sleep(1000);
      const atReady = memoryOf(pid);
      const scanned = distinctIndexes(scans, fixture.profiles, 0x9e3779b9);
      const known = distinctIndexes(KNOWN_DEVICES, fixture.profiles, 0x7f4a7c15, new Set(scanned));
      const devices = [
        ...known.map((i) => fixtureEspresenseBeacon(i)),
        ...Array.from({ length: ANONYMOUS_DEVICES }, (_, j) => espresenseId(MAJOR.anonymous, j)),
      ];
      const expectedVisits = scans + devices.length;
      const screens = BENCH_SCREENS.map((screen) => screen.id);
      const publisher = await WirePublisher.connect('127.0.0.1', broker.port, `bench-memory-${process.pid}`);
      let peakSampled = atReady.rss;
      const sampler = setInterval(() => {
        try {
          peakSampled = Math.max(peakSampled, memoryOf(pid).rss);
        } catch {
          // The child exited; the wait below reports it.
        }
      }, 200);
      const started = Date.now();
      try {
        // The agent subscribes just after its ready line: give it a moment before publishing.
        await sleep(500);
        // 20 scans and 40 sightings every 10 ms: 2,000 scans/s, each device heard every 50 ms.
        const perBatch = 20;
        for (let from = 0, step = 0; from < scanned.length; from += perBatch, step++) {
          const packets: Buffer[] = [];
          for (const index of scanned.slice(from, from + perBatch)) {
            packets.push(encodePublish(`store/scan/${screens[index % screens.length]!}`, fixtureLoyalty(index)));
          }
          for (let n = 0; n < 2 * perBatch; n++) {
            const d = (step * 2 * perBatch + n) % devices.length;
            const id = devices[d]!;
            packets.push(encodePublish(espresenseTopic(id, ROOMS[d % ROOMS.length]!), espresensePayload(id, 1 + 0.1 * Math.sin(step + d))));
          }
          if (!publisher.write(Buffer.concat(packets))) await publisher.drain();
          await sleep(10);
        }
        await publisher.close();
        log(`${runtime.label}: published ${fmtInt(scanned.length)} scans in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for the agent to record them`);
        const deadline = Date.now() + 180_000;
        let visits = visitsIn(copy.file);
        while (visits < expectedVisits) {
          if (agent.process.exitCode !== null) throw new Error(`the agent exited (${agent.process.exitCode}) during the run`);
          if (Date.now() > deadline) throw new Error(`only ${visits} of ${expectedVisits} visits recorded after 180 s`);
          await sleep(250);
          visits = visitsIn(copy.file);
        }
      } finally {
        clearInterval(sampler);
      }
      const processedSeconds = (Date.now() - started) / 1000;
      await sleep(2000);
      const after = memoryOf(pid);
      const heap = await heapOf(agent, heapFile);
      return { runtime, floor, atReady, after, heap, peakSampled, processedSeconds, expectedVisits, devices: devices.length };
    } finally {
      await agent.stop();
    }
  } finally {
    await broker.stop();
    copy.remove();
  }
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;
const both = (bytes: number): string => `${fmtMiB(bytes)} = ${mb(bytes)}`;

export const benchAgentMemory: BenchFunction = async ({ quick, log }) => {
  const profiles = quick ? 100_000 : 1_000_000;
  const scans = quick ? 2_000 : 20_000;
  const fixture = ensureProfileFixture(profiles, log);
  const meter = cpuMeter();
  // Memory after a run varies by tens of MiB from one run to the next (V8's heap sizing, malloc):
  // the tsx run is repeated and the verdict is on the worse one.
  const tsxRuns: VariantResult[] = [];
  for (let run = 0; run < (quick ? 1 : TSX_RUNS); run++) tsxRuns.push(await measureVariant(TSX, (script) => script, fixture, scans, log));
  const tsx = tsxRuns.reduce((worst, v) => (v.after.hwm > worst.after.hwm ? v : worst));
  const bundle = await bundled();
  const plain = await measureVariant(bundle, (script) => bundle.entries[script]!, fixture, scans, log);
  const cpu = meter.stop();
  const fits = (v: VariantResult): boolean => v.after.rss < GOAL_BYTES && v.after.hwm < GOAL_BYTES;
  const pass = tsxRuns.every(fits);
  const row = (v: VariantResult, n: number | undefined, verdictCell: string): string[] => [
    n === undefined ? v.runtime.label : `${v.runtime.label} (run ${n + 1})`,
    `${fmtMiB(v.floor.rss)} (${fmtMiB(v.floor.anon)} + ${fmtMiB(v.floor.file)})`,
    fmtMiB(v.atReady.rss),
    `${both(v.after.rss)} (${fmtMiB(v.after.anon)} + ${fmtMiB(v.after.file)}); V8 heap ${fmtMiB(v.heap.total)} (${fmtMiB(v.heap.used)} used, ${fmtMiB(v.heap.liveAfterGc)} live after a full GC)`,
    `**${both(v.after.hwm)}**`,
    '< 200 MB',
    verdictCell,
  ];
  return {
    title: `Agent memory with ${fmtInt(profiles)} profiles`,
    goal: 'resident set < 200 MB (= 190.7 MiB), after the run (VmRSS) and at its peak (VmHWM), for the agent CLI under tsx',
    verdict: verdict(pass),
    headline: { result: `peak ${both(tsx.after.hwm)}, worst of ${tsxRuns.length} run${tsxRuns.length > 1 ? 's' : ''} (bundled: ${both(plain.after.hwm)})`, limit: `${fmtMiB(tsx.floor.rss)} (idle runtime + modules under tsx)` },
    method: [
      `The agent CLI as its own process, \`${TSX.label} --config <file>\` as \`npm run agent\` and the Electron shell run it (the flags are main/cli/agent-runtime-flags.ts): dataDir = a fresh copy of the cached ${fmtInt(profiles)}-profile store (${fmtMiB(fixture.bytes)}), brokerUrl = a Mosquitto started for the run, SOO_LOG_LEVEL=silent; ready = its {"ready":true} stdout line. The run is repeated ${tsxRuns.length} time${tsxRuns.length > 1 ? 's' : ''} (each on a fresh copy, with a fresh broker) and the verdict is on every run: the resident set after the same work varies by tens of MiB between runs (V8's heap sizing, malloc). The same CLI bundled to plain JavaScript by esbuild (node_modules external, as the Electron build ships it) is measured the same way, once, for comparison; it is not part of the verdict.`,
      `Traffic: ${fmtInt(scans)} scans of distinct random customers' loyalty cards (GS1 in-store EAN-13 with a valid check digit, on \`store/scan/<screenId>\`, both screens) at 2,000 scans/s, interleaved with ${fmtInt(2 * scans)} ESPresense sightings of ${tsx.devices} devices at ~1 m (${KNOWN_DEVICES} other known customers' beacons, ${ANONYMOUS_DEVICES} anonymous). Done = all ${fmtInt(tsx.expectedVisits)} visits are in the SQLite file (read through a read-only connection); then 2 s idle, then VmRSS, VmHWM, RssAnon and RssFile from /proc/<pid>/status, then the V8 heap as the process reports it, and what is still live after a full GC (bench/heap-probe.mjs, preloaded with --expose-gc --import in every run including the floor, answers SIGUSR2; the GC runs after the RSS reading).`,
      'Floor: the same runtime with the agent\'s module graph imported and nothing started (bench/idle-process.ts). anon + file = RssAnon + RssFile: the file part is mostly the node binary and shared libraries (ICU, OpenSSL, better-sqlite3); SQLite reads the store with pread into its own page cache (capped at 16 MiB by the agent), which counts as anon.',
      'Sizes in MiB (2^20 bytes) and MB (10^6 bytes); the goal is read as 200 MB = 190.7 MiB.',
    ],
    tables: [
      {
        header: ['runtime', 'limit: idle runtime + agent modules (anon + file)', 'agent at ready', 'after the scans: VmRSS (anon + file)', 'peak VmHWM', 'goal', 'result'],
        rows: [...tsxRuns.map((v, n) => row(v, n, verdict(fits(v)))), row(plain, undefined, `(${verdict(fits(plain))}, not the verdict)`)],
      },
    ],
    notes: [
      `Under tsx the agent recorded all ${fmtInt(tsx.expectedVisits)} visits ${tsx.processedSeconds.toFixed(1)} s after the first publish (bundled: ${plain.processedSeconds.toFixed(1)} s; each scan commits a transaction with an fsync). Highest RSS sampled every 200 ms: ${fmtMiB(tsx.peakSampled)} (bundled ${fmtMiB(plain.peakSampled)}).`,
      `tsx's share: the idle floor is ${fmtMiB(tsx.floor.rss - plain.floor.rss)} higher under tsx than bundled (its loader thread, the transpiled sources and their source maps); the agent's own growth from the floor to the peak is ${fmtMiB(tsx.after.hwm - tsx.floor.rss)} under tsx and ${fmtMiB(plain.after.hwm - plain.floor.rss)} bundled.`,
    ],
    foreignCores: worstForeign([cpu]),
  };
};

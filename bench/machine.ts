/**
 * What the benchmarks ran on, and how busy the machine was with work that is not ours
 * while they ran (other people's tests share these 2 cores).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import Database from 'better-sqlite3';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  node: string;
  sqlite: string;
  betterSqlite3: string;
  mosquitto: string;
  kernel: string;
  date: string;
}

export const MOSQUITTO_BIN = process.env.MOSQUITTO_BIN ?? '/usr/sbin/mosquitto';

function mosquittoVersion(): string {
  const result = spawnSync(MOSQUITTO_BIN, ['-h'], { encoding: 'utf8' });
  const match = /mosquitto version (\S+)/.exec(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  return match?.[1] ?? 'unknown';
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()?.v) ?? 'unknown';
  } finally {
    db.close();
  }
}

function packageVersion(name: string): string {
  try {
    const json = JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version?: string };
    return json.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    sqlite: sqliteVersion(),
    betterSqlite3: packageVersion('better-sqlite3'),
    mosquitto: mosquittoVersion(),
    kernel: `${os.type()} ${os.release()}`,
    date: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------------------------------
// CPU accounting from /proc: the machine's busy time, minus ours and our descendants'
// (brokers, agent child, esbuild), is what other people's work took meanwhile.

interface CpuSnapshot {
  wallNs: bigint;
  machineBusyTicks: number;
  ownTicks: number;
}

const TICKS_PER_SECOND = 100;

function machineBusyTicks(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).map(Number);
  return user + nice + system + irq + softirq + steal;
}

/**
 * utime + stime + the reaped children's cutime + cstime (so a broker that exits inside a
 * window still counts), and the parent pid; undefined when the process is gone.
 */
function processTicks(pid: number | 'self'): { ticks: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { ticks, ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** Our process (all threads) plus every live descendant. */
function ownTicks(): number {
  const byParent = new Map<number, Array<{ pid: number; ticks: number }>>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = processTicks(Number(entry));
    if (!info) continue;
    const list = byParent.get(info.ppid) ?? [];
    list.push({ pid: Number(entry), ticks: info.ticks });
    byParent.set(info.ppid, list);
  }
  let total = processTicks('self')?.ticks ?? 0;
  const queue = [process.pid];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.pop()!) ?? []) {
      total += child.ticks;
      queue.push(child.pid);
    }
  }
  return total;
}

function snapshot(): CpuSnapshot {
  return { wallNs: process.hrtime.bigint(), machineBusyTicks: machineBusyTicks(), ownTicks: ownTicks() };
}

export interface CpuUse {
  /** Cores used by everything that is not this benchmark (other people's tests, the system). */
  foreignCores: number;
  /** Cores used by this process and its descendants (broker, agent child). */
  ownCores: number;
  wallSeconds: number;
}

/** Measures CPU use over a window: `const meter = cpuMeter(); …; meter.stop()`. */
export function cpuMeter(): { stop(): CpuUse } {
  const start = snapshot();
  return {
    stop(): CpuUse {
      const end = snapshot();
      const seconds = Number(end.wallNs - start.wallNs) / 1e9;
      const busy = (end.machineBusyTicks - start.machineBusyTicks) / TICKS_PER_SECOND;
      const own = (end.ownTicks - start.ownTicks) / TICKS_PER_SECOND;
      return { foreignCores: Math.max(0, (busy - own) / seconds), ownCores: own / seconds, wallSeconds: seconds };
    },
  };
}

/** Peak of the per-window foreign load over several windows. */
export function worstForeign(uses: readonly CpuUse[]): number {
  return uses.reduce((worst, use) => Math.max(worst, use.foreignCores), 0);
}

export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}

/** Milliseconds each real disk has spent doing I/O since boot (/proc/diskstats io_ticks), loop and zram devices left out. */
function diskBusyMs(): Map<string, number> {
  const busy = new Map<string, number>();
  for (const line of readFileSync('/proc/diskstats', 'utf8').split('\n')) {
    const parts = line.trim().split(/\s+/);
    const name = parts[2];
    if (!name || /^(loop|ram|zram)/.test(name) || !existsSync(`/sys/block/${name}`)) continue;
    busy.set(name, Number(parts[12]));
  }
  return busy;
}

export interface Quiet {
  quiet: boolean;
  waitedSeconds: number;
  /** Of the last 1 s window: cores used by other processes, and the busiest disk's utilisation (0–1). */
  foreignCores: number;
  diskBusy: number;
}

/**
 * Waits, up to maxWaitMs, for a 1 s window in which other processes use under `cores` of
 * CPU and the disks are busy under `disk` of the time: other people's test runs share this
 * machine, and a benchmark started in the middle of one measures them as much as the agent.
 */
export async function waitForQuiet(maxWaitMs: number, cores = 0.25, disk = 0.1): Promise<Quiet> {
  const started = Date.now();
  for (;;) {
    const meter = cpuMeter();
    const before = diskBusyMs();
    await new Promise((done) => setTimeout(done, 1000));
    const use = meter.stop();
    let diskBusy = 0;
    for (const [name, ms] of diskBusyMs()) diskBusy = Math.max(diskBusy, (ms - (before.get(name) ?? ms)) / (use.wallSeconds * 1000));
    const waitedSeconds = (Date.now() - started) / 1000;
    const quiet = use.foreignCores < cores && diskBusy < disk;
    if (quiet || Date.now() - started >= maxWaitMs) return { quiet, waitedSeconds, foreignCores: use.foreignCores, diskBusy };
  }
}

/** CPU used by one process (all its threads) over a window, in cores. */
export function processCpuMeter(pid: number): { stop(): number } {
  const start = { at: process.hrtime.bigint(), ticks: processTicks(pid)?.ticks ?? 0 };
  return {
    stop(): number {
      const ticks = processTicks(pid)?.ticks ?? start.ticks;
      const seconds = Number(process.hrtime.bigint() - start.at) / 1e9;
      return (ticks - start.ticks) / TICKS_PER_SECOND / seconds;
    },
  };
}

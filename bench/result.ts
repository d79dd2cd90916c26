/** What each benchmark hands to run.ts, which stores it as JSON and renders BENCHMARKS.md from it. */

export interface Table {
  header: string[];
  rows: string[][];
}

export interface BenchResult {
  /** The --only name. */
  name: string;
  title: string;
  goal: string;
  verdict: 'PASS' | 'MISS';
  /** One line each for the summary table at the top of BENCHMARKS.md. */
  headline: { result: string; limit: string };
  /** How it was measured, one bullet each. */
  method: string[];
  tables: Table[];
  /** Observations from this run (noise, lost samples, what a miss comes from). */
  notes: string[];
  ranAt: string;
  quick: boolean;
  seconds: number;
  /** Peak CPU (cores) used by other processes on the machine during the measured windows. */
  foreignCores: number;
}

export interface BenchOptions {
  quick: boolean;
  log: (line: string) => void;
}

export type BenchFunction = (options: BenchOptions) => Promise<Omit<BenchResult, 'name' | 'ranAt' | 'quick' | 'seconds'>>;

export function verdict(pass: boolean): 'PASS' | 'MISS' {
  return pass ? 'PASS' : 'MISS';
}

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

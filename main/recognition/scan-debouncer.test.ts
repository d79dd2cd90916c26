import { describe, expect, it } from 'vitest';
import { ScanDebouncer } from './scan-debouncer';

describe('ScanDebouncer', () => {
  it('returns the first result within the window and runs again after it', () => {
    const debouncer = new ScanDebouncer<string>(5000);
    let runs = 0;
    const run = (): string => `result-${++runs}`;
    expect(debouncer.once('counter:2001234567893', 1000, run)).toBe('result-1');
    expect(debouncer.once('counter:2001234567893', 3000, run)).toBe('result-1');
    expect(debouncer.once('counter:2001234567893', 5999, run)).toBe('result-1');
    expect(runs).toBe(1);
    // the window counts from the first scan, not the latest repeat
    expect(debouncer.once('counter:2001234567893', 6000, run)).toBe('result-2');
    expect(runs).toBe(2);
    // another key is independent
    expect(debouncer.once('entrance:2001234567893', 6001, run)).toBe('result-3');
  });

  it('prune drops only expired entries', () => {
    const debouncer = new ScanDebouncer<number>(5000);
    let runs = 0;
    debouncer.once('a', 1000, () => ++runs);
    debouncer.once('b', 4000, () => ++runs);
    debouncer.prune(6000); // a expired (5000 old), b not
    expect(debouncer.once('a', 5500, () => ++runs)).toBe(3);
    expect(debouncer.once('b', 5500, () => ++runs)).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

const options = { initialMs: 500, maxMs: 30_000 };

describe('backoffDelay', () => {
  it('doubles from the initial delay', () => {
    const top = () => 1;
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, options, top))).toEqual([500, 1000, 2000, 4000]);
  });

  it('stays under the ceiling however many attempts have failed', () => {
    expect(backoffDelay(12, options, () => 1)).toBe(30_000);
    expect(backoffDelay(10_000, options, () => 1)).toBe(30_000);
  });

  it('jitters within the upper half of the step', () => {
    expect(backoffDelay(2, options, () => 0)).toBe(1000);
    expect(backoffDelay(2, options, () => 0.5)).toBe(1500);
  });
});

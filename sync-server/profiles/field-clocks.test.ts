import { describe, expect, it } from 'vitest';
import { encodeHlc } from '../clock/hlc';
import type { FieldClocks } from '../storage/sync-storage';
import { lwwDelta, lwwSet, newestClock } from './field-clocks';

const clock = (wall: number, node = 'n', counter = 0): string => encodeHlc({ wall, counter, node });

describe('per-field last-writer-wins', () => {
  it('lets the newer set win whatever order the sets arrive in', () => {
    const writes = [
      { value: 'from-store', clock: clock(2000, 'device:a') },
      { value: 'from-admin', clock: clock(3000, 'head-office') },
      { value: 'older', clock: clock(1000, 'device:b') },
    ];
    const results = new Set<string>();
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 0, 2], [2, 0, 1]]) {
      const clocks: FieldClocks = {};
      let value = '';
      for (const i of order) lwwSet(clocks, 'firstName', writes[i]!.clock, () => (value = writes[i]!.value));
      results.add(`${value}@${clocks.firstName}`);
    }
    expect([...results]).toEqual([`from-admin@${clock(3000, 'head-office')}`]);
  });

  it('breaks a tie of wall time and counter by node id, and an equal clock is the same write', () => {
    const clocks: FieldClocks = {};
    let value = '';
    lwwSet(clocks, 'tier', clock(1000, 'device:b'), () => (value = 'b'));
    expect(lwwSet(clocks, 'tier', clock(1000, 'device:a'), () => (value = 'a'))).toBe(false);
    expect(lwwSet(clocks, 'tier', clock(1000, 'device:b'), () => (value = 'again'))).toBe(false);
    expect(lwwSet(clocks, 'tier', clock(1000, 'device:c'), () => (value = 'c'))).toBe(true);
    expect(value).toBe('c');
  });

  it('applies deltas newer than the last set without moving its clock, drops older ones', () => {
    const clocks: FieldClocks = {};
    let points = 0;
    lwwSet(clocks, 'points', clock(5000, 'head-office'), () => (points = 500));
    const add = (n: number) => () => ((points += n), true);
    expect(lwwDelta(clocks, 'points', clock(4000, 'device:a'), add(12))).toBe(false); // before the admin's figure
    expect(lwwDelta(clocks, 'points', clock(7000, 'device:a'), add(3))).toBe(true);
    expect(lwwDelta(clocks, 'points', clock(6000, 'device:b'), add(4))).toBe(true); // later than the set: counts, though it arrived late
    expect(points).toBe(507);
    expect(clocks.points).toBe(clock(5000, 'head-office'));
  });

  it('finds the newest clock on a profile', () => {
    expect(newestClock({})).toBeUndefined();
    expect(newestClock({ a: clock(1), b: clock(3), c: clock(2) })).toBe(clock(3));
  });
});

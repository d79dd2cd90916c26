import { describe, expect, it } from 'vitest';
import { compareHlc, decodeHlc, encodeHlc, HybridLogicalClock, type Hlc } from './hlc';

describe('hybrid logical clock', () => {
  it('encodes so that string order is clock order', () => {
    const clocks: Hlc[] = [
      { wall: 1_700_000_000_000, counter: 0, node: 'b' },
      { wall: 1_700_000_000_000, counter: 0, node: 'a' },
      { wall: 1_700_000_000_000, counter: 12, node: 'a' },
      { wall: 1_700_000_000_001, counter: 0, node: 'a' },
      { wall: 999, counter: 123_456_789, node: 'z' },
    ];
    const byCompare = [...clocks].sort(compareHlc).map(encodeHlc);
    const byString = clocks.map(encodeHlc).sort();
    expect(byString).toEqual(byCompare);
    for (const clock of clocks) expect(decodeHlc(encodeHlc(clock))).toEqual(clock);
    expect(() => decodeHlc('nonsense')).toThrow(/not an encoded HLC/);
  });

  it('never goes backwards, even when the physical clock does', () => {
    let physical = 1000;
    const hlc = new HybridLogicalClock('server', () => physical);
    const a = hlc.now();
    physical = 500; // NTP step back
    const b = hlc.now();
    const c = hlc.now();
    physical = 2000;
    const d = hlc.now();
    expect(compareHlc(a, b)).toBeLessThan(0);
    expect(compareHlc(b, c)).toBeLessThan(0);
    expect(compareHlc(c, d)).toBeLessThan(0);
    expect(b).toEqual({ wall: 1000, counter: 1, node: 'server' });
    expect(d).toEqual({ wall: 2000, counter: 0, node: 'server' });
  });

  it('orders its next write after any clock it observed, however far ahead', () => {
    const hlc = new HybridLogicalClock('server', () => 1000);
    const remote = { wall: 5000, counter: 7, node: 'device:x' };
    hlc.observe(remote);
    const next = hlc.now();
    expect(compareHlc(next, remote)).toBeGreaterThan(0);
    expect(next).toEqual({ wall: 5000, counter: 9, node: 'server' });
  });

  it('breaks exact ties by node id', () => {
    expect(compareHlc({ wall: 1, counter: 1, node: 'a' }, { wall: 1, counter: 1, node: 'b' })).toBeLessThan(0);
    expect(compareHlc({ wall: 1, counter: 1, node: 'a' }, { wall: 1, counter: 1, node: 'a' })).toBe(0);
  });
});

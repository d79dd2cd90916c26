import { describe, expect, it } from 'vitest';
import { firstSyncFraction, firstSyncMayCome, firstSyncUnderway, firstSyncWords, largestRemaining, type FirstSyncFacts } from './first-sync';

const sync = (over: Partial<FirstSyncFacts>): FirstSyncFacts => ({ state: 'online', lastSyncAt: null, remaining: 12_345, ...over });

describe('firstSyncUnderway', () => {
  it('is a store linked to head office, never synced, with changes still to come', () => {
    expect(firstSyncUnderway(sync({}))).toBe(true);
    expect(firstSyncUnderway(sync({ state: 'connecting' }))).toBe(true);
  });

  it('is over once a sync has finished or nothing is left, and not while the link is down', () => {
    expect(firstSyncUnderway(sync({ lastSyncAt: '2026-03-10T08:00:00Z' }))).toBe(false);
    expect(firstSyncUnderway(sync({ remaining: 0 }))).toBe(false);
    expect(firstSyncUnderway(sync({ remaining: null }))).toBe(false);
    for (const state of ['offline', 'pairing', 'unpaired', 'revoked', 'not-configured', null]) {
      expect(firstSyncUnderway(sync({ state }))).toBe(false);
    }
  });
});

describe('firstSyncMayCome', () => {
  it('keeps the screen asking until a sync has finished, except in a store without head office', () => {
    expect(firstSyncMayCome(sync({}))).toBe(true);
    expect(firstSyncMayCome(sync({ state: 'unpaired', remaining: 0 }))).toBe(true);
    expect(firstSyncMayCome(sync({ state: 'offline', remaining: 0 }))).toBe(true);
    expect(firstSyncMayCome(sync({ lastSyncAt: '2026-03-10T08:00:00Z' }))).toBe(false);
    expect(firstSyncMayCome(sync({ state: 'not-configured', remaining: 0 }))).toBe(false);
  });
});

describe('first sync progress', () => {
  it('measures what is done against the most that was ever left', () => {
    let largest = 0;
    largest = largestRemaining(largest, 10_000);
    expect(firstSyncFraction(10_000, largest)).toBe(0);
    largest = largestRemaining(largest, 7_500);
    expect(largest).toBe(10_000);
    expect(firstSyncFraction(7_500, largest)).toBe(0.25);
    // Head office added changes meanwhile: the bar grows longer rather than going past full.
    largest = largestRemaining(largest, 12_000);
    expect(firstSyncFraction(12_000, largest)).toBe(0);
    expect(firstSyncFraction(3_000, largest)).toBe(0.75);
    expect(firstSyncFraction(0, largest)).toBe(1);
    expect(largestRemaining(largest, null)).toBe(12_000);
  });

  it('stays between 0 and 1 whatever it is given', () => {
    expect(firstSyncFraction(5, 0)).toBe(0);
    expect(firstSyncFraction(50, 10)).toBe(0);
    expect(firstSyncFraction(-5, 10)).toBe(1);
    expect(firstSyncFraction(Number.NaN, 10)).toBe(0);
  });
});

describe('firstSyncWords', () => {
  it('says how many updates are still to come', () => {
    expect(firstSyncWords(12_345)).toBe('Setting up this store: 12,345 updates to go');
    expect(firstSyncWords(1)).toBe('Setting up this store: 1 update to go');
    expect(firstSyncWords(2.6)).toBe('Setting up this store: 2 updates to go');
  });
});

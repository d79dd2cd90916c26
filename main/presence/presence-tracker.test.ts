import { describe, expect, it } from 'vitest';
import type { PresenceConfig, ScreenConfig } from '../config/agent-config';
import type { Sighting } from '../ingestion/sighting';
import { DEFAULT_RSSI_AT_1M, distanceFromRssi } from './distance';
import { PresenceTracker, type PresenceFact } from './presence-tracker';

const CONFIG: PresenceConfig = {
  enterDistance: 2,
  leaveDistance: 3.5,
  minReadings: 2,
  absenceMs: 15_000,
  dwellMs: 20_000,
  pathLossExponent: 2.5,
  processNoise: 0.05,
  measurementNoise: 1.5,
  visitGapMs: 1_800_000,
};

const SCREENS: ScreenConfig[] = [
  { id: 'entrance', name: 'Entrance', rooms: ['entrance'], kind: 'signage', display: 0 },
  { id: 'counter', name: 'Counter', rooms: ['front-counter', 'counter'], kind: 'signage', display: 1 },
];

const T0 = Date.parse('2026-03-01T10:00:00Z');
const BEACON = 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949';

/** mulberry32: a small seeded PRNG, so "random" noise is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sighting(at: number, distance: number, room = 'entrance', beaconId = BEACON): Sighting {
  return { beaconId, room, source: 'espresense', distance, at };
}

function kinds(facts: PresenceFact[]): string[] {
  return facts.map((f) => f.kind);
}

/** Feeds one reading per second (and a tick per second, as the agent does), collecting facts. */
function run(tracker: PresenceTracker, from: number, seconds: number, distanceAt: (i: number) => number, room = 'entrance'): PresenceFact[] {
  const facts: PresenceFact[] = [];
  for (let i = 0; i < seconds; i++) {
    const at = from + i * 1000;
    facts.push(...tracker.observe(sighting(at, distanceAt(i), room)));
    facts.push(...tracker.tick(at + 500));
  }
  return facts;
}

describe('PresenceTracker', () => {
  it('a customer standing still at ~1.2 m (±0.6 m) for 2 minutes: one entered, one dwelling, no left', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const random = seeded(42);
    const facts = run(tracker, T0, 120, () => 1.2 + (random() * 2 - 1) * 0.6);
    expect(kinds(facts)).toEqual(['entered', 'dwelling']);
    const [entered, dwelling] = facts as [PresenceFact, PresenceFact];
    expect(entered).toMatchObject({ kind: 'entered', beaconId: BEACON, screenId: 'entrance', at: T0 + 1000, dwellMs: 0 });
    expect(entered.distance).toBeGreaterThan(0.6);
    expect(entered.distance).toBeLessThan(1.8);
    expect(dwelling.screenId).toBe('entrance');
    expect(dwelling.at - entered.at).toBeGreaterThanOrEqual(CONFIG.dwellMs);
    expect(dwelling.at - entered.at).toBeLessThan(CONFIG.dwellMs + 1000);
    expect(dwelling.dwellMs).toBe(dwelling.at - entered.at);
    expect(tracker.trackedBeacons).toBe(1);
  });

  it('the same customer walking off to 8 m leaves once, with the time since entering as dwellMs', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const random = seeded(7);
    const noise = (): number => (random() * 2 - 1) * 0.6;
    const standing = run(tracker, T0, 120, () => 1.2 + noise());
    const entered = standing.find((f) => f.kind === 'entered')!;
    const walkOff = T0 + 120_000;
    const after = run(tracker, walkOff, 30, () => 8 + noise());
    expect(kinds(after)).toEqual(['left']);
    const left = after[0]!;
    expect(left.screenId).toBe('entrance');
    expect(left.distance).toBeGreaterThan(CONFIG.leaveDistance);
    // the filter needs a few readings to cross 3.5 m, not 30
    expect(left.at).toBeGreaterThanOrEqual(walkOff);
    expect(left.at).toBeLessThanOrEqual(walkOff + 5000);
    expect(left.dwellMs).toBe(left.at - entered.at);
    // and the absence timeout later does not make a second "left"
    expect(tracker.tick(walkOff + 30_000 + 60_000)).toEqual([]);
  });

  it('a single 0.5 m spike from someone at 5 m does not enter', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const facts = run(tracker, T0, 60, (i) => (i === 30 ? 0.5 : 5));
    expect(facts).toEqual([]);
  });

  it('a spike as the very first reading does not enter either', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const facts = run(tracker, T0, 20, (i) => (i === 0 ? 0.5 : 5));
    expect(facts).toEqual([]);
  });

  it('a gateway whose room is mapped to no screen never produces a fact', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const facts = run(tracker, T0, 60, () => 0.3, 'stockroom');
    facts.push(...tracker.tick(T0 + 10 * 60_000));
    expect(facts).toEqual([]);
    expect(tracker.trackedBeacons).toBe(0);
  });

  it('a device heard in two rooms of one screen counts the nearer room', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const facts: PresenceFact[] = [];
    for (let i = 0; i < 60; i++) {
      const at = T0 + i * 1000;
      facts.push(...tracker.observe(sighting(at, 6, 'front-counter')));
      facts.push(...tracker.observe(sighting(at + 100, 1.0, 'counter')));
    }
    expect(kinds(facts)).toEqual(['entered', 'dwelling']);
    expect(facts.every((f) => f.screenId === 'counter')).toBe(true);
    // the 6 m room never pulled the screen's distance up to a "left"
    expect(facts[0]!.distance).toBeCloseTo(1.0, 5);
    expect(facts[1]!.distance).toBeCloseTo(1.0, 5);
  });

  it('a far room of the screen alone does not enter', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    expect(run(tracker, T0, 30, () => 6, 'front-counter')).toEqual([]);
  });

  it('no readings for more than absenceMs → "left" from tick(now)', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const facts: PresenceFact[] = [];
    for (let i = 0; i <= 5; i++) facts.push(...tracker.observe(sighting(T0 + i * 1000, 1.0)));
    expect(kinds(facts)).toEqual(['entered']);
    const lastReading = T0 + 5000;
    expect(tracker.tick(lastReading + CONFIG.absenceMs)).toEqual([]); // not yet: strictly more than absenceMs
    const left = tracker.tick(lastReading + CONFIG.absenceMs + 1);
    expect(left).toEqual([
      {
        kind: 'left',
        beaconId: BEACON,
        screenId: 'entrance',
        at: lastReading + CONFIG.absenceMs + 1,
        distance: expect.closeTo(1.0, 5),
        dwellMs: lastReading - (T0 + 1000),
      },
    ]);
    expect(tracker.tick(lastReading + CONFIG.absenceMs + 2)).toEqual([]);
  });

  it('dwelling can come from tick alone when readings pause (but not past absence)', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    tracker.observe(sighting(T0, 1.0));
    const entered = tracker.observe(sighting(T0 + 1000, 1.0));
    expect(kinds(entered)).toEqual(['entered']);
    tracker.observe(sighting(T0 + 10_000, 1.0));
    expect(tracker.tick(T0 + 20_999)).toEqual([]);
    const dwell = tracker.tick(T0 + 21_000);
    expect(dwell).toMatchObject([{ kind: 'dwelling', dwellMs: 20_000, at: T0 + 21_000 }]);
    expect(tracker.tick(T0 + 22_000)).toEqual([]);
  });

  it('hovering between 1.8 and 2.8 m after entering does not flicker (hysteresis)', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const approach = run(tracker, T0, 5, () => 1.0);
    expect(kinds(approach)).toEqual(['entered']);
    const hover = run(tracker, T0 + 5000, 120, (i) => (i % 2 === 0 ? 2.8 : 1.8));
    expect(kinds(hover)).toEqual(['dwelling']);
  });

  it('hovering between 1.8 and 2.8 m from the start neither enters nor leaves repeatedly', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const random = seeded(3);
    const facts = run(tracker, T0, 300, () => 1.8 + random());
    const entered = facts.filter((f) => f.kind === 'entered').length;
    const left = facts.filter((f) => f.kind === 'left').length;
    expect(entered).toBeLessThanOrEqual(1);
    expect(left).toBe(0);
  });

  it('after leaving, hovering between 2.1 and 3.4 m does not re-enter', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    run(tracker, T0, 5, () => 1.0);
    const away = run(tracker, T0 + 5000, 10, () => 8);
    expect(kinds(away)).toEqual(['left']);
    const hover = run(tracker, T0 + 15_000, 60, (i) => (i % 2 === 0 ? 2.1 : 3.4));
    expect(hover).toEqual([]);
  });

  it('RSSI-only sightings use the path-loss estimate', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const at1m = (at: number): Sighting => ({ beaconId: BEACON, room: 'entrance', source: 'theengs', rssi: -65, rssiAt1m: -65, at });
    expect(tracker.observe(at1m(T0))).toEqual([]);
    const facts = tracker.observe(at1m(T0 + 1000));
    expect(facts).toMatchObject([{ kind: 'entered', screenId: 'entrance' }]);
    expect(facts[0]!.distance).toBeCloseTo(1, 5);

    // without rssiAt1m the default -59 applies: -75 dBm is 10^(16/25) ≈ 4.37 m, too far to enter
    const far = new PresenceTracker(SCREENS, CONFIG);
    const farFacts: PresenceFact[] = [];
    for (let i = 0; i < 20; i++) farFacts.push(...far.observe({ beaconId: BEACON, room: 'entrance', source: 'theengs', rssi: -75, at: T0 + i * 1000 }));
    expect(farFacts).toEqual([]);
    expect(far.trackedBeacons).toBe(1);
  });

  it('a given distance wins over RSSI, and a sighting with neither is ignored', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const both = (at: number): Sighting => ({ beaconId: BEACON, room: 'entrance', source: 'espresense', distance: 1, rssi: -100, at });
    tracker.observe(both(T0));
    expect(kinds(tracker.observe(both(T0 + 1000)))).toEqual(['entered']);

    const none = new PresenceTracker(SCREENS, CONFIG);
    for (let i = 0; i < 5; i++) expect(none.observe({ beaconId: BEACON, room: 'entrance', source: 'generic', at: T0 + i })).toEqual([]);
    expect(none.trackedBeacons).toBe(0);
  });

  it('forgets stale beacons after a long absence', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    run(tracker, T0, 5, () => 1.0); // near the entrance
    run(tracker, T0, 5, () => 6, 'front-counter'); // a passer-by elsewhere… same beacon, far from the counter
    const last = T0 + 4000;
    const passer = 'mac:aabbccddeeff';
    tracker.observe(sighting(last, 5, 'entrance', passer));
    expect(tracker.trackedBeacons).toBe(2);
    const left = tracker.tick(last + CONFIG.absenceMs + 1);
    expect(kinds(left)).toEqual(['left']);
    expect(tracker.trackedBeacons).toBe(2); // not yet gone for twice the absence time
    expect(tracker.tick(last + 2 * CONFIG.absenceMs)).toEqual([]);
    expect(tracker.trackedBeacons).toBe(2);
    expect(tracker.tick(last + 2 * CONFIG.absenceMs + 1)).toEqual([]);
    expect(tracker.trackedBeacons).toBe(0);
  });

  it('a returning device starts afresh: a new "entered" with a fresh filter', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    run(tracker, T0, 5, () => 1.0);
    expect(kinds(tracker.tick(T0 + 4000 + CONFIG.absenceMs + 1))).toEqual(['left']);
    const back = T0 + 60_000;
    expect(tracker.observe(sighting(back, 1.5))).toEqual([]);
    const again = tracker.observe(sighting(back + 1000, 1.5));
    expect(again).toMatchObject([{ kind: 'entered', at: back + 1000, dwellMs: 0 }]);
    // a fresh filter: the estimate is the new reading, not a blend with the old 1.0 m
    expect(again[0]!.distance).toBeCloseTo(1.5, 5);
  });

  it('keeps each screen apart: near the entrance is not near the counter', () => {
    const tracker = new PresenceTracker(SCREENS, CONFIG);
    const facts: PresenceFact[] = [];
    for (let i = 0; i < 5; i++) {
      facts.push(...tracker.observe(sighting(T0 + i * 1000, 1.0, 'entrance')));
      facts.push(...tracker.observe(sighting(T0 + i * 1000 + 10, 7, 'counter')));
    }
    expect(facts.map((f) => `${f.kind}:${f.screenId}`)).toEqual(['entered:entrance']);
  });

  it('a room shared by two screens counts for both', () => {
    const shared: ScreenConfig[] = [
      { id: 'left-wall', name: '', rooms: ['hall'], kind: 'signage', display: 0 },
      { id: 'right-wall', name: '', rooms: ['hall'], kind: 'signage', display: 1 },
    ];
    const tracker = new PresenceTracker(shared, CONFIG);
    tracker.observe(sighting(T0, 1, 'hall'));
    const facts = tracker.observe(sighting(T0 + 1000, 1, 'hall'));
    expect(facts.map((f) => `${f.kind}:${f.screenId}`)).toEqual(['entered:left-wall', 'entered:right-wall']);
  });
});

describe('distanceFromRssi', () => {
  it('is 1 m at the calibrated RSSI and follows the log-distance model', () => {
    expect(DEFAULT_RSSI_AT_1M).toBe(-59);
    expect(distanceFromRssi(-59)).toBeCloseTo(1, 10);
    expect(distanceFromRssi(-84, -59, 2.5)).toBeCloseTo(10, 10);
    expect(distanceFromRssi(-79, -59, 2)).toBeCloseTo(10, 10);
    expect(distanceFromRssi(-49, -59, 2.5)).toBeCloseTo(10 ** (-10 / 25), 10);
    expect(distanceFromRssi(-70, -59)).toBeGreaterThan(distanceFromRssi(-65, -59));
  });
});

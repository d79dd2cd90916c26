import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackEventSchema, type TrackEvent } from '../../protocol/events';
import type { Greeting } from '../../protocol/bridge';
import defaultRules from '../decisions/default-rules.json';
import { Decider, type Decision } from '../decisions/decide';
import { GreetingLedger } from '../decisions/greeting-ledger';
import { StoreClock } from '../decisions/local-time';
import { compileRuleSet } from '../decisions/rule-set';
import { Outbox } from '../outbox/outbox';
import type { PresenceFact } from '../presence/presence-tracker';
import { openDatabase, type Db } from '../store/database';
import { ProfileStore } from '../store/profile-store';
import { VisitStore } from '../store/visit-store';
import type { ProfileRecord } from '../store/profile-store';
import { Recognizer } from './recognizer';

const DAY = 86_400_000;
const NOW = Date.parse('2026-03-10T12:00:00Z');
const GAP = 30 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAYA_BEACON = 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-100-1';
const PRIVATE_BEACON = 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-100-2';
const STRANGER_BEACON = 'mac:aabbccddeeff';
const CONTEXT = {
  store: { id: 'store-7' },
  device: { id: 'agent-1', type: 'store-agent' as const },
  app: { name: 'segment-of-one', version: '0.1.0' },
};

function profile(overrides: Partial<ProfileRecord>): ProfileRecord {
  return {
    id: 'c-1',
    firstName: 'Maya',
    points: 0,
    visitCount: 10,
    lastVisitAt: new Date(NOW - 40 * DAY).toISOString(),
    consents: { greetPublic: true, personalisedOffers: false, tracking: true },
    identifiers: [],
    ...overrides,
  };
}

function fact(kind: PresenceFact['kind'], beaconId: string, at: number, extra: Partial<PresenceFact> = {}): PresenceFact {
  return { kind, beaconId, screenId: 'entrance', at, distance: 1.23456, dwellMs: 0, ...extra };
}

describe('Recognizer with real stores', () => {
  let dir: string;
  let db: Db;
  let profiles: ProfileStore;
  let outbox: Outbox;
  let ledger: GreetingLedger;
  let recognizer: Recognizer;
  let greetings: Greeting[];
  let decisions: Decision[];

  const events = (): TrackEvent[] => outbox.readPending().map((row) => row.event);
  const count = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-recognizer-'));
    db = openDatabase(join(dir, 'store.db'));
    profiles = new ProfileStore(db);
    outbox = new Outbox(db, CONTEXT);
    ledger = new GreetingLedger(db);
    greetings = [];
    decisions = [];
    recognizer = new Recognizer({
      db,
      profiles,
      visits: new VisitStore(db),
      outbox,
      decider: new Decider(compileRuleSet(defaultRules), ledger, new StoreClock('UTC')),
      ledger,
      visitGapMs: GAP,
      isPublicScreen: (screenId) => screenId !== 'till',
      onGreeting: (g) => greetings.push(g),
      onDecision: (d) => decisions.push(d),
    });
    profiles.save(
      profile({
        id: 'c-1',
        firstName: 'Maya',
        identifiers: [
          { kind: 'beacon', value: MAYA_BEACON },
          { kind: 'loyalty', value: '2001234567893' },
        ],
      }),
    );
    profiles.save(
      profile({
        id: 'c-2',
        firstName: 'Leo',
        visitCount: 3,
        lastVisitAt: new Date(NOW - 2 * DAY).toISOString(),
        consents: { greetPublic: true, personalisedOffers: false, tracking: false },
        identifiers: [
          { kind: 'beacon', value: PRIVATE_BEACON },
          { kind: 'loyalty', value: 'LOY-PRIVATE' },
        ],
      }),
    );
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('"entered" for a known, consenting beacon writes Zone Entered, Customer Recognized, Greeting Decided and greets once', () => {
    const decision = recognizer.onPresence(fact('entered', MAYA_BEACON, NOW));
    expect(decision).toMatchObject({ outcome: 'greet', ruleId: 'welcome-back-lapsed' });

    const all = events();
    expect(all.map((e) => e.event)).toEqual(['Zone Entered', 'Customer Recognized', 'Greeting Decided']);
    for (const e of all) {
      expect(trackEventSchema.safeParse(e).success).toBe(true);
      expect(e).toMatchObject({
        type: 'track',
        userId: 'c-1',
        context: { ...CONTEXT, screen: { id: 'entrance' } },
        originalTimestamp: new Date(NOW).toISOString(),
        sentAt: null,
      });
      expect(e.anonymousId).toBeUndefined();
      expect(e.messageId).toMatch(UUID);
    }
    expect(new Set(all.map((e) => e.messageId)).size).toBe(3);
    const [entered, recognized, decided] = all as [TrackEvent, TrackEvent, TrackEvent];
    expect(entered.properties).toEqual({ zone: 'entrance', distance: 1.23 });
    const visitId = recognized.properties.visitId;
    expect(recognized.properties).toEqual({ method: 'beacon', identifierKind: 'beacon', visitId: expect.any(String), newVisit: true });
    expect(decided.properties).toEqual({
      decisionId: decision!.decisionId,
      outcome: 'greet',
      ruleId: 'welcome-back-lapsed',
      reason: 'Welcome back a customer we have not seen for a while',
      checks: [{ ruleId: 'birthday', result: 'condition-false' }],
      visitId,
    });
    // the outbox rows carry their message id beside the payload
    const rows = db.prepare<[], { message_id: string; event: string; payload: string; created_at: string }>('SELECT * FROM outbox ORDER BY seq').all();
    expect(rows.map((r) => r.message_id)).toEqual(all.map((e) => e.messageId));
    expect(rows.map((r) => r.event)).toEqual(all.map((e) => e.event));
    expect(rows.every((r) => r.created_at === new Date(NOW).toISOString())).toBe(true);

    expect(greetings).toHaveLength(1);
    expect(greetings[0]).toMatchObject({
      decisionId: decision!.decisionId,
      screenId: 'entrance',
      ruleId: 'welcome-back-lapsed',
      firstName: 'Maya',
      text: 'Welcome back, Maya! We missed you for 40 days.',
    });
    expect(decisions).toEqual([decision]);
  });

  it('records the visit and moves the profile on, while the decision used the old last visit', () => {
    recognizer.onPresence(fact('entered', MAYA_BEACON, NOW));
    const after = profiles.findById('c-1')!;
    expect(after.visitCount).toBe(11);
    expect(after.lastVisitAt).toBe(new Date(NOW).toISOString());
    expect(greetings[0]!.text).toBe('Welcome back, Maya! We missed you for 40 days.');
    expect(db.prepare('SELECT subject, started_at, last_seen_at FROM visits').all()).toEqual([
      { subject: 'c-1', started_at: new Date(NOW).toISOString(), last_seen_at: new Date(NOW).toISOString() },
    ]);
    expect(count('greeting_ledger')).toBe(1);
  });

  it('a second screen in the same visit: no second greeting, no second visit count', () => {
    recognizer.onPresence(fact('entered', MAYA_BEACON, NOW));
    const second = recognizer.onPresence(fact('entered', MAYA_BEACON, NOW + 60_000, { screenId: 'counter' }));
    expect(second).toMatchObject({ outcome: 'none', reason: 'already greeted during this visit' });
    expect(greetings).toHaveLength(1);
    expect(profiles.findById('c-1')!.visitCount).toBe(11);
    const recognized = events().filter((e) => e.event === 'Customer Recognized');
    expect(recognized.map((e) => e.properties.newVisit)).toEqual([true, false]);
    expect(recognized[0]!.properties.visitId).toBe(recognized[1]!.properties.visitId);
    expect(count('visits')).toBe(1);
  });

  it('after the visit gap a new visit counts and greets again (cooldown moves it to the next rule)', () => {
    recognizer.onPresence(fact('entered', MAYA_BEACON, NOW));
    const later = NOW + GAP + 60_000;
    const again = recognizer.onPresence(fact('entered', MAYA_BEACON, later));
    expect(again).toMatchObject({ outcome: 'greet', ruleId: 'regular' });
    expect(profiles.findById('c-1')!.visitCount).toBe(12);
    expect(count('visits')).toBe(2);
    expect(greetings.map((g) => g.ruleId)).toEqual(['welcome-back-lapsed', 'regular']);
  });

  it('an anonymous beacon writes Zone Entered with its anonymousId and greets nobody', () => {
    const decision = recognizer.onPresence(fact('entered', STRANGER_BEACON, NOW));
    expect(decision).toBeUndefined();
    const all = events();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ event: 'Zone Entered', anonymousId: STRANGER_BEACON, properties: { zone: 'entrance', distance: 1.23 } });
    expect(all[0]!.userId).toBeUndefined();
    expect(trackEventSchema.safeParse(all[0]).success).toBe(true);
    expect(greetings).toEqual([]);
    expect(decisions).toEqual([]);
    expect(db.prepare('SELECT subject FROM visits').all()).toEqual([{ subject: STRANGER_BEACON }]);
    expect(count('greeting_ledger')).toBe(0);
  });

  it('a profile without tracking consent leaves no event with its identity, but is still greeted', () => {
    const decision = recognizer.onPresence(fact('entered', PRIVATE_BEACON, NOW));
    expect(decision).toMatchObject({ outcome: 'greet', ruleId: 'regular' });
    expect(greetings).toHaveLength(1);
    expect(greetings[0]).toMatchObject({ firstName: 'Leo', text: 'Good to see you again, Leo!' });
    recognizer.onPresence(fact('dwelling', PRIVATE_BEACON, NOW + 20_000, { dwellMs: 20_000 }));
    recognizer.onPresence(fact('left', PRIVATE_BEACON, NOW + 40_000, { dwellMs: 40_000 }));
    expect(events().filter((e) => e.userId === 'c-2' || JSON.stringify(e).includes(PRIVATE_BEACON))).toEqual([]);
    expect(events()).toEqual([]);
    // the visit is still kept locally for the per-visit cap
    expect(profiles.findById('c-2')!.visitCount).toBe(4);
    expect(count('visits')).toBe(1);

    // the screen showing it is counted, without the person's id
    expect(recognizer.greetingShown('entrance', decision!.decisionId, new Date(NOW + 1000))).toBe(true);
    const viewed = events();
    expect(viewed).toHaveLength(1);
    expect(viewed[0]).toMatchObject({ event: 'Promotion Viewed', anonymousId: `decision:${decision!.decisionId}` });
    expect(viewed[0]!.userId).toBeUndefined();
    expect(trackEventSchema.safeParse(viewed[0]).success).toBe(true);
  });

  it('"left" writes Zone Left with dwellSeconds; "dwelling" writes Zone Dwelled; neither decides', () => {
    recognizer.onPresence(fact('entered', MAYA_BEACON, NOW));
    const dwelled = recognizer.onPresence(fact('dwelling', MAYA_BEACON, NOW + 20_000, { dwellMs: 20_000, distance: 1.1 }));
    const left = recognizer.onPresence(fact('left', MAYA_BEACON, NOW + 95_600, { dwellMs: 95_600, distance: 4.004 }));
    expect(dwelled).toBeUndefined();
    expect(left).toBeUndefined();
    const tail = events().slice(3);
    expect(tail.map((e) => e.event)).toEqual(['Zone Dwelled', 'Zone Left']);
    expect(tail[0]).toMatchObject({ userId: 'c-1', properties: { zone: 'entrance', distance: 1.1, dwellSeconds: 20 } });
    expect(tail[1]).toMatchObject({ userId: 'c-1', properties: { zone: 'entrance', distance: 4, dwellSeconds: 96 } });
    for (const e of tail) expect(trackEventSchema.safeParse(e).success).toBe(true);
    expect(greetings).toHaveLength(1);
    // "left" extends the visit
    expect(db.prepare('SELECT last_seen_at FROM visits').get()).toEqual({ last_seen_at: new Date(NOW + 95_600).toISOString() });
  });

  it('an anonymous "left" carries the anonymousId', () => {
    recognizer.onPresence(fact('left', STRANGER_BEACON, NOW, { dwellMs: 4_400 }));
    expect(events()).toMatchObject([{ event: 'Zone Left', anonymousId: STRANGER_BEACON, properties: { dwellSeconds: 4 } }]);
  });

  it('greetingShown writes exactly one Promotion Viewed even when called twice', () => {
    const decision = recognizer.onPresence(fact('entered', MAYA_BEACON, NOW))!;
    const shownAt = new Date(NOW + 2000);
    expect(recognizer.greetingShown('entrance', decision.decisionId, shownAt)).toBe(true);
    expect(recognizer.greetingShown('entrance', decision.decisionId, new Date(NOW + 3000))).toBe(false);
    const viewed = events().filter((e) => e.event === 'Promotion Viewed');
    expect(viewed).toHaveLength(1);
    expect(viewed[0]).toMatchObject({
      userId: 'c-1',
      originalTimestamp: shownAt.toISOString(),
      context: { screen: { id: 'entrance' } },
      properties: {
        promotion_id: 'welcome-back-lapsed',
        creative: 'greeting',
        name: 'welcome-back-lapsed',
        position: 'entrance',
        decisionId: decision.decisionId,
      },
    });
    expect(trackEventSchema.safeParse(viewed[0]).success).toBe(true);
    expect(db.prepare('SELECT shown_at FROM greeting_ledger').get()).toEqual({ shown_at: shownAt.toISOString() });
  });

  it('greetingShown for an unknown decision records nothing', () => {
    expect(recognizer.greetingShown('entrance', 'no-such-decision', new Date(NOW))).toBe(false);
    expect(outbox.pending()).toBe(0);
  });

  it('onIdentified: an unknown loyalty value → unknown, nothing written', () => {
    expect(recognizer.onIdentified('counter', { kind: 'loyalty', value: '2999999999999' }, new Date(NOW))).toEqual({ status: 'unknown' });
    expect(outbox.pending()).toBe(0);
    expect(count('visits')).toBe(0);
    expect(greetings).toEqual([]);
  });

  it('onIdentified: a known card is recognised and greeted once per visit', () => {
    const first = recognizer.onIdentified('counter', { kind: 'loyalty', value: '2001234567893' }, new Date(NOW));
    expect(first).toEqual({ status: 'recognised', decided: true });
    expect(events().map((e) => e.event)).toEqual(['Customer Recognized', 'Greeting Decided']);
    expect(events()[0]!.properties).toMatchObject({ method: 'scan', identifierKind: 'loyalty', newVisit: true });
    expect(greetings).toMatchObject([{ screenId: 'counter', text: 'Welcome back, Maya! We missed you for 40 days.' }]);
    const second = recognizer.onIdentified('counter', { kind: 'loyalty', value: '2001234567893' }, new Date(NOW + 5_000));
    expect(second).toEqual({ status: 'recognised', decided: false });
    expect(greetings).toHaveLength(1);
    expect(profiles.findById('c-1')!.visitCount).toBe(11);
  });

  it('writes nothing when the transaction fails part-way (outbox beside the state it records)', () => {
    outbox.onAppend((e) => {
      if (e.event === 'Greeting Decided') throw new Error('disk full');
    });
    expect(() => recognizer.onPresence(fact('entered', MAYA_BEACON, NOW))).toThrow('disk full');
    expect(outbox.pending()).toBe(0);
    expect(count('visits')).toBe(0);
    expect(count('greeting_ledger')).toBe(0);
    expect(profiles.findById('c-1')!.visitCount).toBe(10);
    expect(greetings).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../store/database';
import type { StoredProfile } from '../store/profile-store';
import defaultRules from './default-rules.json';
import { Decider, type Decision } from './decide';
import { computeFacts, isAnniversaryOf } from './facts';
import { GreetingLedger } from './greeting-ledger';
import { StoreClock } from './local-time';
import { compileRuleSet } from './rule-set';

const DAY = 86_400_000;
const NOW = new Date('2026-03-10T12:00:00Z'); // a Tuesday
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function person(overrides: Partial<StoredProfile> = {}): StoredProfile {
  return {
    id: 'p-1',
    firstName: 'Maya',
    lastName: 'Okafor',
    birthday: null,
    memberSince: null,
    tier: 'Gold',
    points: 100,
    lastVisitAt: new Date(NOW.getTime() - 2 * DAY).toISOString(),
    visitCount: 10,
    previousVisitAt: null,
    purchaseSummary: null,
    allergies: [],
    preferences: [],
    consents: { greetPublic: true, personalisedOffers: true, tracking: true },
    greetings: [],
    ...overrides,
  };
}

const lapsed = (overrides: Partial<StoredProfile> = {}): StoredProfile =>
  person({ lastVisitAt: new Date(NOW.getTime() - 40 * DAY).toISOString(), visitCount: 10, ...overrides });

describe('Decider', () => {
  let dir: string;
  let db: Db;
  let ledger: GreetingLedger;

  const decider = (rules: unknown = defaultRules, timeZone = 'UTC'): Decider =>
    new Decider(compileRuleSet(rules), ledger, new StoreClock(timeZone));

  let visitSeq = 0;
  const newVisit = (): string => `visit-${++visitSeq}`;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-decide-'));
    db = openDatabase(join(dir, 'store.db'));
    ledger = new GreetingLedger(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ledgerRows = (): number => (db.prepare('SELECT count(*) AS n FROM greeting_ledger').get() as { n: number }).n;

  it('an unknown person gets nothing personal', () => {
    const d = decider().decide({ profile: undefined, screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW });
    expect(d).toEqual({
      decisionId: expect.stringMatching(UUID),
      screenId: 'entrance',
      profileId: null,
      decidedAt: NOW.toISOString(),
      outcome: 'none',
      reason: 'unknown person: nothing personal is shown',
      checks: [],
    });
    expect(ledgerRows()).toBe(0);
  });

  it('no greetPublic consent → none, with the consent reason', () => {
    const d = decider().decide({
      profile: lapsed({ consents: { greetPublic: false, personalisedOffers: true, tracking: true } }),
      screenId: 'entrance',
      visitId: newVisit(),
      recognisedBy: 'scan',
      at: NOW,
    });
    expect(d).toMatchObject({ outcome: 'none', profileId: 'p-1', reason: 'no consent to be greeted on a public screen', checks: [] });
    expect(d.text).toBeUndefined();
    expect(ledgerRows()).toBe(0);
  });

  it('a lapsed customer (40 days, 10 visits) is welcomed back', () => {
    const visitId = newVisit();
    const d = decider().decide({ profile: lapsed(), screenId: 'entrance', visitId, recognisedBy: 'beacon', at: NOW });
    expect(d).toMatchObject({
      outcome: 'greet',
      ruleId: 'welcome-back-lapsed',
      firstName: 'Maya',
      text: 'Welcome back, Maya! We missed you for 40 days.',
      reason: 'Welcome back a customer we have not seen for a while',
      profileId: 'p-1',
      screenId: 'entrance',
      checks: [{ ruleId: 'birthday', result: 'condition-false' }],
    });
    expect(d.decisionId).toMatch(UUID);
    expect(ledger.greetingsThisVisit(visitId)).toBe(1);
    expect(ledger.lastGreeted('p-1', 'welcome-back-lapsed')?.toISOString()).toBe(NOW.toISOString());
    expect(ledger.shown(d.decisionId, NOW)).toEqual({ profileId: 'p-1', ruleId: 'welcome-back-lapsed' });
    expect(ledger.shown(d.decisionId, NOW)).toBeUndefined();
  });

  it('the lapsed threshold is 30 days', () => {
    const at29 = decider().decide({
      profile: person({ lastVisitAt: new Date(NOW.getTime() - 30 * DAY + 1).toISOString() }),
      screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW,
    });
    expect(at29.ruleId).toBe('regular');
    const at30 = decider().decide({
      profile: person({ id: 'p-2', lastVisitAt: new Date(NOW.getTime() - 30 * DAY).toISOString() }),
      screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW,
    });
    expect(at30.ruleId).toBe('welcome-back-lapsed');
    expect(at30.text).toBe('Welcome back, Maya! We missed you for 30 days.');
  });

  it('a regular (3+ visits, recent) → regular', () => {
    const d = decider().decide({ profile: person({ visitCount: 3 }), screenId: 'counter', visitId: newVisit(), recognisedBy: 'scan', at: NOW });
    expect(d).toMatchObject({
      outcome: 'greet',
      ruleId: 'regular',
      text: 'Good to see you again, Maya!',
      checks: [
        { ruleId: 'birthday', result: 'condition-false' },
        { ruleId: 'welcome-back-lapsed', result: 'condition-false' },
      ],
    });
  });

  it('a first-timer → welcome', () => {
    const d = decider().decide({
      profile: person({ visitCount: 0, lastVisitAt: null }),
      screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW,
    });
    expect(d).toMatchObject({ outcome: 'greet', ruleId: 'welcome', text: 'Welcome, Maya!' });
    expect(d.checks.map((c) => c.result)).toEqual(['condition-false', 'condition-false', 'condition-false']);
  });

  it('a second visitor with few visits, seen recently → welcome', () => {
    const d = decider().decide({ profile: person({ visitCount: 2 }), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW });
    expect(d.ruleId).toBe('welcome');
  });

  describe('birthdays follow the store time zone', () => {
    // 14:00 UTC on 15 June is 02:00 on 16 June in Auckland and 07:00 on 15 June in Los Angeles.
    const AT = new Date('2026-06-15T14:00:00Z');
    const recent = { lastVisitAt: new Date(AT.getTime() - 2 * DAY).toISOString(), visitCount: 10 };

    it('"YYYY-MM-DD" on 16 June: birthday in Auckland, not in Los Angeles', () => {
      const profile = person({ ...recent, birthday: '1990-06-16' });
      const nz = decider(defaultRules, 'Pacific/Auckland').decide({ profile, screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: AT });
      expect(nz).toMatchObject({ ruleId: 'birthday', text: 'Happy birthday, Maya! Your treat is on us today.', checks: [] });
      const la = decider(defaultRules, 'America/Los_Angeles').decide({ profile: { ...profile, id: 'p-2' }, screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: AT });
      expect(la.ruleId).toBe('regular');
      expect(la.checks[0]).toEqual({ ruleId: 'birthday', result: 'condition-false' });
    });

    it('"--MM-DD" on 15 June: birthday in Los Angeles, not in Auckland (where 02:00 is also quiet for "regular")', () => {
      const profile = person({ ...recent, birthday: '--06-15' });
      const la = decider(defaultRules, 'America/Los_Angeles').decide({ profile, screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: AT });
      expect(la.ruleId).toBe('birthday');
      const nz = decider(defaultRules, 'Pacific/Auckland').decide({ profile: { ...profile, id: 'p-2' }, screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: AT });
      expect(nz.ruleId).toBe('welcome');
      expect(nz.checks).toEqual([
        { ruleId: 'birthday', result: 'condition-false' },
        { ruleId: 'welcome-back-lapsed', result: 'condition-false' },
        { ruleId: 'regular', result: 'quiet-hours' },
      ]);
    });
  });

  it('"--MM-DD" birthdays match on the day, in UTC too', () => {
    const d = decider().decide({ profile: person({ birthday: '--03-10' }), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW });
    expect(d.ruleId).toBe('birthday');
    const notToday = decider().decide({ profile: person({ id: 'p-2', birthday: '--03-11' }), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW });
    expect(notToday.ruleId).toBe('regular');
  });

  it.each([
    ['2027-02-28T12:00:00Z', 'birthday'], // not a leap year: 29 Feb counts on 28 Feb
    ['2027-03-01T12:00:00Z', 'regular'],
    ['2028-02-28T12:00:00Z', 'regular'], // leap year: wait for the 29th
    ['2028-02-29T12:00:00Z', 'birthday'],
    ['2100-02-28T12:00:00Z', 'birthday'], // 2100 is not a leap year
  ])('a 29 Feb birthday at %s → %s', (iso, ruleId) => {
    const at = new Date(iso);
    const profile = person({ birthday: '2000-02-29', lastVisitAt: new Date(at.getTime() - 2 * DAY).toISOString() });
    expect(decider().decide({ profile, screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at }).ruleId).toBe(ruleId);
  });

  it('greets once per visit; a new visit greets again, with the lapsed cooldown falling through to the next rule', () => {
    const d = decider();
    const v1 = newVisit();
    const first = d.decide({ profile: lapsed(), screenId: 'entrance', visitId: v1, recognisedBy: 'beacon', at: NOW });
    expect(first.ruleId).toBe('welcome-back-lapsed');

    const sameVisit = d.decide({ profile: lapsed(), screenId: 'counter', visitId: v1, recognisedBy: 'scan', at: new Date(NOW.getTime() + 60_000) });
    expect(sameVisit).toMatchObject({ outcome: 'none', reason: 'already greeted during this visit', checks: [] });

    const nextVisit = d.decide({ profile: lapsed(), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: new Date(NOW.getTime() + 60 * 60_000) });
    expect(nextVisit).toMatchObject({
      outcome: 'greet',
      ruleId: 'regular',
      checks: [
        { ruleId: 'birthday', result: 'condition-false' },
        { ruleId: 'welcome-back-lapsed', result: 'cooldown' },
      ],
    });

    const justBefore = d.decide({ profile: lapsed(), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: new Date(NOW.getTime() + DAY - 1) });
    expect(justBefore.ruleId).toBe('regular');
    const dayLater = d.decide({ profile: lapsed(), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: new Date(NOW.getTime() + DAY) });
    expect(dayLater).toMatchObject({ ruleId: 'welcome-back-lapsed', text: 'Welcome back, Maya! We missed you for 41 days.' });
  });

  it('a decision that greets nobody does not use up the visit', () => {
    const d = decider({ policy: {}, rules: [{ id: 'never', when: 'false', greeting: 'x' }] });
    const visitId = newVisit();
    const none = d.decide({ profile: person(), screenId: 'entrance', visitId, recognisedBy: 'beacon', at: NOW });
    expect(none).toMatchObject({ outcome: 'none', reason: 'no rule matched', checks: [{ ruleId: 'never', result: 'condition-false' }] });
    expect(ledger.greetingsThisVisit(visitId)).toBe(0);
    expect(ledgerRows()).toBe(0);
  });

  it('caps a rule per day (a rolling 24 hours) and falls through meanwhile', () => {
    const d = decider({
      policy: {},
      rules: [
        { id: 'daily', when: 'true', greeting: 'daily', caps: { perDay: 1 } },
        { id: 'fallback', when: 'true', greeting: 'fallback' },
      ],
    });
    const decideAt = (ms: number): Decision => d.decide({ profile: person(), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: new Date(NOW.getTime() + ms) });
    expect(decideAt(0).ruleId).toBe('daily');
    const later = decideAt(2 * 3_600_000);
    expect(later).toMatchObject({ ruleId: 'fallback', checks: [{ ruleId: 'daily', result: 'capped' }] });
    expect(decideAt(DAY).ruleId).toBe('fallback');
    expect(decideAt(DAY + 1).ruleId).toBe('daily');
    // another person is not capped by Maya's greeting
    const other = d.decide({ profile: person({ id: 'p-2' }), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW });
    expect(other.ruleId).toBe('daily');
  });

  it('counts another store\'s greeting, as head office remembers it, in the daily cap and the cooldown, once', () => {
    const d = decider({
      policy: {},
      rules: [
        { id: 'daily', when: 'true', greeting: 'daily', caps: { perDay: 2 } },
        { id: 'cool', when: 'true', greeting: 'cool', cooldownMinutes: 60 },
        { id: 'fallback', when: 'true', greeting: 'fallback' },
      ],
    });
    const ago = (ms: number): string => new Date(NOW.getTime() - ms).toISOString();
    const decideFor = (greetings: StoredProfile['greetings'], at = NOW): Decision =>
      d.decide({ profile: person({ greetings }), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at });
    // Shown elsewhere within the window: one of the two a day is used, and it counts as one.
    expect(decideFor([{ ruleId: 'daily', shownAt: ago(3_600_000) }]).ruleId).toBe('daily');
    // The greeting given here comes back from head office as the newest on the profile: it is
    // not counted twice, so a second one here is still allowed, and a third is capped.
    expect(decideFor([{ ruleId: 'daily', shownAt: NOW.toISOString() }], new Date(NOW.getTime() + 60_000))).toMatchObject({ ruleId: 'daily' });
    expect(decideFor([{ ruleId: 'daily', shownAt: NOW.toISOString() }], new Date(NOW.getTime() + 120_000))).toMatchObject({
      ruleId: 'cool',
      checks: [{ ruleId: 'daily', result: 'capped' }],
    });
    // The cooldown runs from the newest greeting, here or elsewhere.
    const cooled = decider({ policy: {}, rules: [{ id: 'cool', when: 'true', greeting: 'cool', cooldownMinutes: 60 }, { id: 'fallback', when: 'true', greeting: 'fallback' }] });
    const coolFor = (shownAgo: number): Decision =>
      cooled.decide({ profile: person({ id: 'p-9', greetings: [{ ruleId: 'cool', shownAt: ago(shownAgo) }] }), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW });
    expect(coolFor(30 * 60_000)).toMatchObject({ ruleId: 'fallback', checks: [{ ruleId: 'cool', result: 'cooldown' }] });
    expect(coolFor(61 * 60_000).ruleId).toBe('cool');
  });

  it('the birthday rule is capped to once a day across visits', () => {
    const d = decider();
    const profile = person({ birthday: '--03-10' });
    expect(d.decide({ profile, screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW }).ruleId).toBe('birthday');
    const second = d.decide({ profile, screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: new Date(NOW.getTime() + 3_600_000) });
    expect(second).toMatchObject({ ruleId: 'regular', checks: [{ ruleId: 'birthday', result: 'capped' }, { ruleId: 'welcome-back-lapsed', result: 'condition-false' }] });
  });

  it('caps a rule per visit while the policy allows more greetings per visit', () => {
    const d = decider({
      policy: { maxGreetingsPerVisit: 3 },
      rules: [
        { id: 'once', when: 'true', greeting: 'once', caps: { perVisit: 1 } },
        { id: 'fallback', when: 'true', greeting: 'fallback' },
      ],
    });
    const visitId = newVisit();
    const go = (): Decision => d.decide({ profile: person(), screenId: 'entrance', visitId, recognisedBy: 'beacon', at: NOW });
    expect(go().ruleId).toBe('once');
    expect(go()).toMatchObject({ ruleId: 'fallback', checks: [{ ruleId: 'once', result: 'capped' }] });
    expect(go().ruleId).toBe('fallback');
    expect(go()).toMatchObject({ outcome: 'none', reason: 'already greeted during this visit' });
  });

  it.each([
    ['2026-03-10T23:30:00Z', 'welcome'],
    ['2026-03-10T05:59:00Z', 'welcome'],
    ['2026-03-10T06:00:00Z', 'regular'],
    ['2026-03-10T12:00:00Z', 'regular'],
  ])('quiet hours 22:00–06:00 skip "regular" at %s → %s', (iso, ruleId) => {
    const d = decider().decide({ profile: person(), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: new Date(iso) });
    expect(d.ruleId).toBe(ruleId);
    if (ruleId === 'welcome') expect(d.checks.at(-1)).toEqual({ ruleId: 'regular', result: 'quiet-hours' });
  });

  it('a rule whose condition throws at evaluation is skipped and the next rule fires', () => {
    const d = decider({
      policy: {},
      rules: [
        { id: 'missing-param', when: 'params.missing > 1', greeting: 'x' },
        { id: 'divide', when: 'points / params.zero > 1', params: { zero: 0 }, greeting: 'y' },
        { id: 'fallback', when: 'true', greeting: 'Hello {{firstName}}' },
      ],
    });
    const result = d.decide({ profile: person(), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW });
    expect(result).toMatchObject({
      outcome: 'greet',
      ruleId: 'fallback',
      text: 'Hello Maya',
      checks: [
        { ruleId: 'missing-param', result: 'condition-error' },
        { ruleId: 'divide', result: 'condition-error' },
      ],
    });
  });

  it('a rule for other screens reports other-screen', () => {
    const d = decider({
      policy: {},
      rules: [
        { id: 'counter-only', when: 'true', greeting: 'counter', screens: ['counter'] },
        { id: 'fallback', when: 'true', greeting: 'fallback' },
      ],
    });
    const atEntrance = d.decide({ profile: person(), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW });
    expect(atEntrance).toMatchObject({ ruleId: 'fallback', checks: [{ ruleId: 'counter-only', result: 'other-screen' }] });
    const atCounter = d.decide({ profile: person({ id: 'p-2' }), screenId: 'counter', visitId: newVisit(), recognisedBy: 'beacon', at: NOW });
    expect(atCounter.ruleId).toBe('counter-only');
  });

  it('templates and conditions see facts and params', () => {
    const d = decider({
      policy: {},
      rules: [
        {
          id: 'facts',
          when: 'recognisedBy == "scan" && screen == "counter" && tier == "Gold" && points >= params.minPoints && weekday == 2 && hour == 12',
          params: { minPoints: 100, label: 'gold' },
          greeting: '{{firstName}} {{tier}} {{points}} {{visitCount}} {{daysSinceLastVisit}} {{hour}} {{weekday}} {{screen}} {{recognisedBy}} {{minPoints}} {{params.label}}',
        },
        { id: 'fallback', when: 'true', greeting: 'fallback' },
      ],
    });
    const scan = d.decide({ profile: person(), screenId: 'counter', visitId: newVisit(), recognisedBy: 'scan', at: NOW });
    expect(scan).toMatchObject({ ruleId: 'facts', text: 'Maya Gold 100 10 2 12 2 counter scan 100 gold' });
    const beacon = d.decide({ profile: person({ id: 'p-2' }), screenId: 'counter', visitId: newVisit(), recognisedBy: 'beacon', at: NOW });
    expect(beacon.ruleId).toBe('fallback');
  });

  it('each decision has its own id', () => {
    const d = decider();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add(d.decide({ profile: person({ id: `p-${i}` }), screenId: 'entrance', visitId: newVisit(), recognisedBy: 'beacon', at: NOW }).decisionId);
    expect(ids.size).toBe(5);
  });
});

describe('StoreClock', () => {
  it('gives the local date, hour and ISO weekday in the store time zone', () => {
    const at = new Date('2026-06-15T14:00:00Z');
    expect(new StoreClock('Pacific/Auckland').local(at)).toEqual({
      date: '2026-06-16', monthDay: '06-16', year: 2026, hour: 2, minuteOfDay: 120, weekday: 2,
    });
    expect(new StoreClock('America/Los_Angeles').local(at)).toEqual({
      date: '2026-06-15', monthDay: '06-15', year: 2026, hour: 7, minuteOfDay: 420, weekday: 1,
    });
  });

  it('midnight is hour 0, not 24; Sunday is 7', () => {
    expect(new StoreClock('Pacific/Auckland').local(new Date('2026-06-15T12:00:00Z'))).toMatchObject({ hour: 0, minuteOfDay: 0, date: '2026-06-16' });
    expect(new StoreClock('UTC').local(new Date('2026-03-08T23:59:00Z'))).toMatchObject({ weekday: 7, minuteOfDay: 1439 });
  });

  it('crosses the year in the store time zone', () => {
    expect(new StoreClock('Pacific/Auckland').local(new Date('2026-12-31T11:30:00Z'))).toMatchObject({ date: '2027-01-01', year: 2027 });
  });
});

describe('computeFacts', () => {
  const clock = new StoreClock('UTC');

  it('member years and anniversary', () => {
    const facts = computeFacts(person({ memberSince: '2021-03-10' }), 'entrance', 'beacon', NOW, clock.local(NOW));
    expect(facts).toMatchObject({ memberYears: 5, isMemberAnniversary: true, isBirthday: false, daysSinceLastVisit: 2, tier: 'Gold' });
    const joinedToday = computeFacts(person({ memberSince: '2026-03-10' }), 'entrance', 'beacon', NOW, clock.local(NOW));
    expect(joinedToday).toMatchObject({ memberYears: 0, isMemberAnniversary: false });
    // Full years: joined in December, it is not a year by March.
    const joinedInDecember = computeFacts(person({ memberSince: '2025-12-01' }), 'entrance', 'beacon', NOW, clock.local(NOW));
    expect(joinedInDecember.memberYears).toBe(0);
  });

  it('no last visit → daysSinceLastVisit -1; no tier → ""', () => {
    const facts = computeFacts(person({ lastVisitAt: null, tier: null }), 'entrance', 'scan', NOW, clock.local(NOW));
    expect(facts.daysSinceLastVisit).toBe(-1);
    expect(facts.tier).toBe('');
  });

  it('isAnniversaryOf', () => {
    const local = clock.local(new Date('2027-02-28T10:00:00Z'));
    expect(isAnniversaryOf('2000-02-29', local)).toBe(true);
    expect(isAnniversaryOf('--02-29', local)).toBe(true);
    expect(isAnniversaryOf('--02-28', local)).toBe(true);
    expect(isAnniversaryOf('--02-27', local)).toBe(false);
    expect(isAnniversaryOf(null, local)).toBe(false);
  });
});

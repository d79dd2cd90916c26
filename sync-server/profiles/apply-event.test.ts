import { describe, expect, it } from 'vitest';
import { encodeHlc } from '../clock/hlc';
import { applyPatch } from './admin-patch';
import { applyProfileEvent, type EventContext } from './apply-event';
import { blankProfile, type CentralProfile } from './central-profile';
import { encodedEventClock } from './event-clock';
import type { ProfileEvent } from './profile-event';

const t0 = new Date('2030-03-01T10:00:00.000Z');
const at = (minutes: number): Date => new Date(t0.getTime() + minutes * 60_000);
const context = (minutes: number, storeId = 'S1', seq = minutes + 1): EventContext => ({
  clock: encodedEventClock(at(minutes), seq, 'dev-1'),
  timestamp: at(minutes),
  storeId,
});
const consents = { greetPublic: true, personalisedOffers: false, tracking: true };
const enrol: ProfileEvent = { type: 'enrolled', userId: 'p1', fields: { firstName: 'Maya', birthday: '--04-12', consents } };

function enrolled(): CentralProfile {
  const outcome = applyProfileEvent(undefined, enrol, context(0));
  return outcome.profile!;
}

describe('applying events to the unified profile', () => {
  it('creates the profile on enrolment, with the device store as home and the enrolment as first visit', () => {
    const outcome = applyProfileEvent(undefined, enrol, context(0, 'S7'));
    expect(outcome).toMatchObject({ created: true, changed: true });
    expect(outcome.profile).toMatchObject({
      id: 'p1',
      homeStoreId: 'S7',
      identifiers: [],
      fields: { firstName: 'Maya', birthday: '--04-12', memberSince: '2030-03-01', visitCount: 1, lastVisitAt: at(0).toISOString(), points: 0, consents },
    });
    // Counters carry no clock: later visits and orders always count on top.
    expect(Object.keys(outcome.profile!.clocks).sort()).toEqual(['birthday', 'consents.greetPublic', 'consents.personalisedOffers', 'consents.tracking', 'firstName']);
  });

  it('ignores anything but an enrolment for a person head office does not know', () => {
    expect(applyProfileEvent(undefined, { type: 'recognized', userId: 'p9', newVisit: true }, context(1))).toEqual({ profile: undefined, created: false, changed: false });
  });

  it('counts a new visit and moves lastVisitAt forward only', () => {
    const base = enrolled();
    const visit = applyProfileEvent(base, { type: 'recognized', userId: 'p1', newVisit: true }, context(60));
    expect(visit.changed).toBe(true);
    expect(visit.profile!.fields).toMatchObject({ visitCount: 2, lastVisitAt: at(60).toISOString() });
    // An older visit uploaded late still counts, but does not move lastVisitAt back.
    const late = applyProfileEvent(visit.profile, { type: 'recognized', userId: 'p1', newVisit: true }, context(30));
    expect(late.profile!.fields).toMatchObject({ visitCount: 3, lastVisitAt: at(60).toISOString() });
    const same = applyProfileEvent(late.profile, { type: 'recognized', userId: 'p1', newVisit: false }, context(90));
    expect(same).toMatchObject({ changed: false });
    expect(base.fields.visitCount).toBe(1); // the input is not mutated
  });

  it('adds floor(total) points and folds the order into the purchase summary', () => {
    const first = applyProfileEvent(enrolled(), { type: 'order', userId: 'p1', total: 7.9, items: [{ sku: 'LAT', name: 'Latte', quantity: 2 }, { sku: 'CRO', name: 'Croissant', quantity: 1 }] }, context(5));
    const second = applyProfileEvent(first.profile, { type: 'order', userId: 'p1', total: 3.25, items: [{ sku: 'CRO', name: 'Croissant', quantity: 2 }] }, context(6));
    expect(second.profile!.fields.points).toBe(10);
    expect(second.profile!.fields.purchaseSummary).toEqual({
      favouriteItems: [{ sku: 'CRO', name: 'Croissant', count: 3 }, { sku: 'LAT', name: 'Latte', count: 2 }],
      lifetimeValue: 11.15,
      orderCount: 2,
    });
  });

  it('asks to add a linked identifier unless it is known or older than the last identifier set', () => {
    const base = enrolled();
    const link: ProfileEvent = { type: 'linked', userId: 'p1', identifier: { kind: 'loyalty', value: 'L1' }, anonymousId: null };
    expect(applyProfileEvent(base, link, context(1)).addIdentifier).toEqual({ kind: 'loyalty', value: 'L1' });
    const known = { ...base, identifiers: [{ kind: 'loyalty' as const, value: 'L1' }] };
    expect(applyProfileEvent(known, link, context(1)).addIdentifier).toBeUndefined();
    const edited = applyPatch(base, { identifiers: [{ kind: 'email', value: 'm@example.com' }] }, encodeHlc({ wall: at(10).getTime(), counter: 0, node: 'head-office' }));
    expect(applyProfileEvent(edited, link, context(5)).addIdentifier).toBeUndefined();
    expect(applyProfileEvent(edited, link, context(15)).addIdentifier).toEqual({ kind: 'loyalty', value: 'L1' });
  });

  it('remembers the newest greeting per rule from any store, whatever order the uploads arrive in', () => {
    const greeted = (ruleId: string): ProfileEvent => ({ type: 'greeted', userId: 'p1', ruleId });
    let profile = enrolled();
    let outcome = applyProfileEvent(profile, greeted('birthday'), context(10, 'S1'));
    expect(outcome.changed).toBe(true);
    profile = outcome.profile!;
    profile = applyProfileEvent(profile, greeted('welcome'), context(20, 'S2')).profile!;
    expect(profile.fields.greetings).toEqual([
      { ruleId: 'welcome', shownAt: at(20).toISOString() },
      { ruleId: 'birthday', shownAt: at(20 - 10).toISOString() },
    ]);
    // A store that was offline uploads an older birthday greeting late: nothing moves back.
    outcome = applyProfileEvent(profile, greeted('birthday'), context(5, 'S3'));
    expect(outcome.changed).toBe(false);
    expect(outcome.profile!.fields.greetings).toEqual(profile.fields.greetings);
    profile = applyProfileEvent(profile, greeted('birthday'), context(30, 'S2')).profile!;
    expect(profile.fields.greetings.map((g) => [g.ruleId, g.shownAt])).toEqual([['birthday', at(30).toISOString()], ['welcome', at(20).toISOString()]]);
  });

  it('never lets an older event overwrite a newer admin edit', () => {
    const adminClock = encodeHlc({ wall: at(20).getTime(), counter: 0, node: 'head-office' });
    const edited = applyPatch(enrolled(), { firstName: 'Mia', points: 500, consents: { tracking: false } }, adminClock);
    // An enrolment replayed from before the edit, and an order from before it.
    const replay = applyProfileEvent(edited, enrol, context(10));
    expect(replay.profile!.fields).toMatchObject({ firstName: 'Mia', consents: { tracking: false } });
    const oldOrder = applyProfileEvent(edited, { type: 'order', userId: 'p1', total: 40, items: [] }, context(15));
    expect(oldOrder.profile!.fields.points).toBe(500);
    // A newer one counts on top.
    const newOrder = applyProfileEvent(edited, { type: 'order', userId: 'p1', total: 40, items: [] }, context(25));
    expect(newOrder.profile!.fields.points).toBe(540);
  });
});

describe('admin patch', () => {
  it('sets given fields, clears nulls, leaves the rest, and stamps the clock', () => {
    const base = { ...blankProfile('p2', t0), fields: { ...blankProfile('p2', t0).fields, firstName: 'Ann', tier: 'gold', points: 20 } };
    const clock = encodeHlc({ wall: at(1).getTime(), counter: 0, node: 'head-office' });
    const patched = applyPatch(base, { tier: null, allergies: ['peanuts'], consents: { greetPublic: true } }, clock);
    expect(patched.fields).toMatchObject({ firstName: 'Ann', points: 20, allergies: ['peanuts'], consents: { greetPublic: true, personalisedOffers: false, tracking: false } });
    expect(patched.fields.tier).toBeUndefined();
    expect(patched.clocks).toEqual({ tier: clock, allergies: clock, 'consents.greetPublic': clock });
  });

  it('clears remembered greetings; a greeting older than the edit stays forgotten, a newer one counts', () => {
    const greeted: ProfileEvent = { type: 'greeted', userId: 'p1', ruleId: 'birthday' };
    const remembered = applyProfileEvent(enrolled(), greeted, context(10)).profile!;
    const cleared = applyPatch(remembered, { greetings: [] }, encodeHlc({ wall: at(40).getTime(), counter: 0, node: 'head-office' }));
    expect(cleared.fields.greetings).toEqual([]);
    expect(applyProfileEvent(cleared, greeted, context(30)).changed).toBe(false);
    expect(applyProfileEvent(cleared, greeted, context(50)).profile!.fields.greetings).toEqual([{ ruleId: 'birthday', shownAt: at(50).toISOString() }]);
  });
});

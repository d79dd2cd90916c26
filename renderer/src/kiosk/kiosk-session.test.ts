import { describe, expect, it } from 'vitest';
import type { CustomerCard } from '../../../protocol/kiosk';
import { INITIAL_SESSION, PENDING_CODE_TTL_MS, scanErrorWords, sessionReducer, type KioskSession, type SessionAction } from './kiosk-session';

const card = (profileId: string): CustomerCard => ({
  profileId,
  firstName: 'Ana',
  lastName: null,
  tier: null,
  points: 0,
  visitCount: 0,
  lastVisitAt: null,
  daysSinceLastVisit: null,
  birthdayToday: false,
  allergies: [],
  preferences: [],
  consents: { greetPublic: false, personalisedOffers: false, tracking: false },
  maskedEmail: null,
  maskedPhone: null,
  offers: [],
  usualOrder: null,
});

const run = (actions: SessionAction[], from: KioskSession = INITIAL_SESSION): KioskSession => actions.reduce(sessionReducer, from);
const recognised = (profileId: string, at = 0): SessionAction => ({
  type: 'scanned',
  code: `CARD-${profileId}`,
  outcome: { status: 'recognised', decided: true, profileId },
  at,
});

describe('kiosk session', () => {
  it('opens the card of a recognised scan at once', () => {
    const loading = run([recognised('p1')]);
    expect(loading.panel).toEqual({ kind: 'loading', profileId: 'p1' });
    expect(sessionReducer(loading, { type: 'card-loaded', card: card('p1') }).panel).toEqual({ kind: 'card', card: card('p1') });
  });

  it('keeps the one card open when the same card is scanned twice, loading or loaded', () => {
    const loading = run([recognised('p1')]);
    expect(sessionReducer(loading, recognised('p1', 50))).toBe(loading);
    const open = sessionReducer(loading, { type: 'card-loaded', card: card('p1') });
    expect(sessionReducer(open, recognised('p1', 900))).toBe(open);
    expect(sessionReducer(open, { type: 'open', profileId: 'p1' })).toBe(open);
  });

  it('moves to another customer’s card, and drops a late answer for the one left behind', () => {
    const state = run([recognised('p1'), recognised('p2'), { type: 'card-loaded', card: card('p1') }]);
    expect(state.panel).toEqual({ kind: 'loading', profileId: 'p2' });
    expect(run([{ type: 'card-failed', profileId: 'p1', message: 'x' }], state)).toBe(state);
  });

  it('shows why a card could not be fetched, and tries again when asked', () => {
    const failed = run([{ type: 'open', profileId: 'p1' }, { type: 'card-failed', profileId: 'p1', message: 'timed out' }]);
    expect(failed.panel).toEqual({ kind: 'card-error', profileId: 'p1', message: 'timed out' });
    expect(sessionReducer(failed, { type: 'open', profileId: 'p1' }).panel).toEqual({ kind: 'loading', profileId: 'p1' });
  });

  it('keeps an unknown card’s code for enrolling or linking, over the card on screen', () => {
    const open = run([{ type: 'open', profileId: 'p1' }, { type: 'card-loaded', card: card('p1') }]);
    const unknown = sessionReducer(open, { type: 'scanned', code: '2900000012345', outcome: { status: 'unknown' }, at: 1000 });
    expect(unknown.pendingCode).toEqual({ code: '2900000012345', scannedAt: 1000 });
    expect(unknown.panel).toBe(open.panel);
    const linked = sessionReducer(unknown, { type: 'card-replaced', card: card('p1'), linkedCode: '2900000012345' });
    expect(linked.pendingCode).toBeNull();
  });

  it('keeps the pending code through a recognised scan, so an old card can take a new one', () => {
    const state = run([{ type: 'scanned', code: 'NEW-1', outcome: { status: 'unknown' }, at: 0 }, recognised('p1', 10)]);
    expect(state.pendingCode?.code).toBe('NEW-1');
    expect(state.panel).toEqual({ kind: 'loading', profileId: 'p1' });
  });

  it('forgets a pending code left too long, or dismissed', () => {
    const state = run([{ type: 'scanned', code: 'NEW-1', outcome: { status: 'unknown' }, at: 1000 }]);
    expect(sessionReducer(state, { type: 'tick', now: 1000 + PENDING_CODE_TTL_MS - 1 })).toBe(state);
    expect(sessionReducer(state, { type: 'tick', now: 1000 + PENDING_CODE_TTL_MS }).pendingCode).toBeNull();
    expect(sessionReducer(state, { type: 'dismiss-code' }).pendingCode).toBeNull();
  });

  it('says plainly why a scan could not be used, and clears it on the next good scan', () => {
    const bad = run([{ type: 'scanned', code: '123', outcome: { status: 'invalid', reason: 'EAN-13 check digit does not match: a misread, scan again' }, at: 0 }]);
    expect(bad.scanError).toBe('Card not read: EAN-13 check digit does not match: a misread, scan again');
    expect(sessionReducer(bad, recognised('p1')).scanError).toBeNull();
    const noProfile = run([{ type: 'scanned', code: 'C', outcome: { status: 'recognised', decided: false }, at: 0 }]);
    expect(noProfile.scanError).toMatch(/not told whose/);
    expect(noProfile.panel).toEqual({ kind: 'none' });
  });

  it('opens enrolment for a tapped visitor and starts afresh once an order is confirmed', () => {
    const enrol = run([{ type: 'scanned', code: 'NEW-1', outcome: { status: 'unknown' }, at: 0 }, { type: 'enrol', beaconId: 'b-1' }]);
    expect(enrol.panel).toEqual({ kind: 'enrol', beaconId: 'b-1' });
    expect(enrol.pendingCode?.code).toBe('NEW-1');
    expect(sessionReducer(enrol, { type: 'order-confirmed' })).toEqual(INITIAL_SESSION);
  });
});

describe('scanErrorWords', () => {
  it('capitalises the agent’s reason and never says nothing', () => {
    expect(scanErrorWords('too short to be a loyalty card number')).toBe('Card not read: Too short to be a loyalty card number');
    expect(scanErrorWords('  ')).toBe('Card not read. Please scan again.');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_NAMES, trackEventSchema, type TrackEvent } from '../../protocol/events';
import type { PresentCustomer } from '../../protocol/kiosk';
import { openDatabase, type Db } from '../store/database';
import { ProfileStore, type ProfileRecord } from '../store/profile-store';
import { Catalogue, OrderLineError, readCatalogueFile } from '../catalogue/catalogue';
import { PurchaseStore } from '../orders/purchase-store';
import { Outbox } from '../outbox/outbox';
import { compileRuleSet } from '../decisions/rule-set';
import defaultRules from '../decisions/default-rules.json';
import { StoreClock } from '../decisions/local-time';
import { ean13CheckDigit } from '../ingestion/loyalty-code';
import { CounterPresence } from './counter-presence';
import { KioskRequestError, KioskService, type ConfirmOrder, type Enrolment } from './kiosk-service';

const DAY_MS = 86_400_000;
/** Tuesday 10 March 2026, 08:30 in the store (UTC). */
const NOW = new Date('2026-03-10T08:30:00.000Z');
const daysBefore = (days: number, from = NOW): Date => new Date(from.getTime() - days * DAY_MS);

const MAYA_CARD = '2001234567893';
const MAYA_EMAIL = 'maya.okafor@example.com';
const MAYA_PHONE = '+447700900123';
const MAYA_BEACON = 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-100-1';
/** A new in-store card number with a correct check digit. */
const NEW_CARD = `200765432101${ean13CheckDigit('200765432101')}`;
const NEW_BEACON = 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-100-2';
/** The same beacon as a gateway may spell it. */
const NEW_BEACON_RAW = 'iBeacon:426C7565-4368-6172-6D42-6561636F6E73-00100-2';

const CONTEXT = { store: { id: 'store-1' }, device: { id: 'agent-1', type: 'store-agent' as const }, app: { name: 'segment-of-one', version: '0.1.0' } };

function maya(overrides: Partial<ProfileRecord> = {}): ProfileRecord {
  return {
    id: 'p-maya',
    firstName: 'Maya',
    lastName: 'Okafor',
    birthday: '1990-04-12',
    memberSince: '2021-03-02',
    tier: 'Gold',
    points: 1240,
    lastVisitAt: daysBefore(10).toISOString(),
    visitCount: 5,
    purchaseSummary: { favouriteItems: [{ sku: 'flat-white', name: 'Flat white', count: 12 }], lifetimeValue: 321.5, orderCount: 40 },
    allergies: ['peanuts'],
    preferences: ['oat milk', 'extra hot'],
    consents: { greetPublic: true, personalisedOffers: true, tracking: true },
    identifiers: [
      { kind: 'loyalty', value: MAYA_CARD },
      { kind: 'beacon', value: MAYA_BEACON },
      { kind: 'email', value: MAYA_EMAIL },
      { kind: 'phone', value: MAYA_PHONE },
    ],
    ...overrides,
  };
}

describe('KioskService', () => {
  let dir: string;
  let db: Db;
  let profiles: ProfileStore;
  let purchases: PurchaseStore;
  let catalogue: Catalogue;
  let outbox: Outbox;
  let presence: CounterPresence;
  let presenceChanges: Array<{ screenId: string; customers: PresentCustomer[] }>;
  let kiosk: KioskService;

  const events = (): TrackEvent[] => outbox.readPending().map((row) => row.event);
  const purchaseCount = (): number => (db.prepare('SELECT count(*) AS n FROM purchases').get() as { n: number }).n;
  const order = (overrides: Partial<ConfirmOrder> = {}): ConfirmOrder => ({
    screenId: 'kiosk-1',
    profileId: 'p-maya',
    lines: [
      { sku: 'flat-white', quantity: 2, modifiers: ['oat', 'oat'] },
      { sku: 'croissant', quantity: 1, modifiers: ['warm'] },
    ],
    staffId: 'staff-7',
    ...overrides,
  });
  const enrolment = (overrides: Partial<Enrolment> = {}): Enrolment => ({
    screenId: 'kiosk-1',
    firstName: 'Ada',
    lastName: 'Lovelace',
    birthday: '--12-10',
    consents: { greetPublic: false, personalisedOffers: true, tracking: true },
    link: { scannedCode: NEW_CARD, beaconId: NEW_BEACON_RAW },
    ...overrides,
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-kiosk-'));
    db = openDatabase(join(dir, 'store.db'));
    profiles = new ProfileStore(db);
    const clock = new StoreClock('UTC');
    purchases = new PurchaseStore(db, clock);
    catalogue = new Catalogue(db);
    catalogue.seedIfEmpty(readCatalogueFile(undefined));
    outbox = new Outbox(db, CONTEXT);
    presenceChanges = [];
    presence = new CounterPresence((screenId, customers) => presenceChanges.push({ screenId, customers }));
    kiosk = new KioskService({ db, profiles, purchases, catalogue, outbox, rules: compileRuleSet(defaultRules), clock, presence, currency: 'GBP', visitGapMs: 30 * 60_000 });
    profiles.save(maya());
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('card()', () => {
    it('shows staff what they need, with e-mail and phone masked', () => {
      const card = kiosk.card('p-maya', NOW);
      expect(card).toMatchObject({
        profileId: 'p-maya',
        firstName: 'Maya',
        lastName: 'Okafor',
        tier: 'Gold',
        points: 1240,
        visitCount: 5,
        lastVisitAt: daysBefore(10).toISOString(),
        daysSinceLastVisit: 10,
        birthdayToday: false,
        allergies: ['peanuts'],
        preferences: ['oat milk', 'extra hot'],
        consents: { greetPublic: true, personalisedOffers: true, tracking: true },
        maskedEmail: 'm•••r@e•••.com',
        maskedPhone: '••• 0123',
      });
      const json = JSON.stringify(card);
      for (const secret of [MAYA_EMAIL, 'maya.okafor', MAYA_PHONE, '7700900123', MAYA_BEACON]) expect(json).not.toContain(secret);
    });

    it('has null contact details, no visit and no care notes for a bare profile', () => {
      profiles.save({ id: 'p-new', firstName: 'Ned', points: 0, visitCount: 0, consents: { greetPublic: false, personalisedOffers: true, tracking: false }, identifiers: [{ kind: 'loyalty', value: 'LC-1' }] });
      expect(kiosk.card('p-new', NOW)).toEqual({
        profileId: 'p-new', firstName: 'Ned', lastName: null, tier: null, points: 0, visitCount: 0, lastVisitAt: null,
        daysSinceLastVisit: null, birthdayToday: false, allergies: [], preferences: [],
        consents: { greetPublic: false, personalisedOffers: true, tracking: false },
        maskedEmail: null, maskedPhone: null, offers: [], usualOrder: null,
      });
    });

    it('counts whole days since the last visit', () => {
      expect(kiosk.card('p-maya', new Date(Date.parse(maya().lastVisitAt!) + DAY_MS - 1)).daysSinceLastVisit).toBe(0);
      expect(kiosk.card('p-maya', new Date(Date.parse(maya().lastVisitAt!) + DAY_MS)).daysSinceLastVisit).toBe(1);
    });

    it('offers the Gold upgrade to a Gold member who consented to personalised offers', () => {
      expect(kiosk.card('p-maya', NOW).offers).toEqual([
        { id: 'gold-upgrade', title: 'Free size upgrade', description: 'Gold members: any drink in large at no extra cost' },
      ]);
    });

    it('offers nothing without the personalised-offers consent', () => {
      profiles.save(maya({ consents: { greetPublic: true, personalisedOffers: false, tracking: true }, lastVisitAt: daysBefore(60).toISOString() }));
      expect(kiosk.card('p-maya', new Date('2026-04-12T09:00:00.000Z')).offers).toEqual([]);
    });

    it('knows the birthday and offers the birthday treat on the day', () => {
      const birthday = new Date('2026-04-12T09:00:00.000Z');
      profiles.save(maya({ lastVisitAt: daysBefore(1, birthday).toISOString() }));
      const card = kiosk.card('p-maya', birthday);
      expect(card.birthdayToday).toBe(true);
      expect(card.offers.map((o) => o.id)).toEqual(['birthday-treat', 'gold-upgrade']);
      const dayAfter = kiosk.card('p-maya', new Date('2026-04-13T09:00:00.000Z'));
      expect(dayAfter.birthdayToday).toBe(false);
      expect(dayAfter.offers.map((o) => o.id)).toEqual(['gold-upgrade']);
    });

    it('offers double points to a member away for 30 days or more', () => {
      profiles.save(maya({ tier: undefined, lastVisitAt: daysBefore(30).toISOString() }));
      expect(kiosk.card('p-maya', NOW).offers.map((o) => o.id)).toEqual(['welcome-back-double-points']);
      profiles.save(maya({ tier: undefined, lastVisitAt: daysBefore(29).toISOString() }));
      expect(kiosk.card('p-maya', NOW).offers).toEqual([]);
      // Never visited is not lapsed.
      profiles.save(maya({ tier: undefined, lastVisitAt: undefined, visitCount: 0 }));
      expect(kiosk.card('p-maya', NOW).offers).toEqual([]);
    });

    it('suggests the usual order for this time of day, priced from the catalogue', () => {
      for (let day = 1; day <= 4; day++) {
        purchases.record({
          orderId: `m-${day}`, profileId: 'p-maya', orderedAt: new Date(daysBefore(day).getTime() - 20 * 60_000),
          lines: [{ sku: 'latte', quantity: 1, modifiers: ['vanilla', 'oat'] }, { sku: 'croissant', quantity: 1, modifiers: [] }],
          total: 720, staffId: 'staff-1', screenId: 'kiosk-1', offerId: null,
        });
        purchases.record({
          orderId: `l-${day}`, profileId: 'p-maya', orderedAt: new Date(daysBefore(day).getTime() + 4 * 3_600_000),
          lines: [{ sku: 'soup', quantity: 1, modifiers: ['bread'] }], total: 575, staffId: 'staff-1', screenId: 'kiosk-1', offerId: null,
        });
      }
      expect(kiosk.card('p-maya', NOW).usualOrder).toEqual({
        daypart: 'morning',
        basis: 'usual morning order (4 of the last 4 mornings)',
        lines: [
          { sku: 'croissant', quantity: 1, modifiers: [], name: 'Butter croissant', unitPrice: 280, modifierNames: [] },
          { sku: 'latte', quantity: 1, modifiers: ['oat', 'vanilla'], name: 'Latte', unitPrice: 440, modifierNames: ['Oat milk', 'Vanilla syrup'] },
        ],
      });
      const lunch = kiosk.card('p-maya', new Date('2026-03-10T12:45:00.000Z')).usualOrder;
      expect(lunch).toMatchObject({ daypart: 'midday', basis: 'usual lunchtime order (4 of the last 4 lunchtimes)' });
      expect(lunch?.lines).toEqual([{ sku: 'soup', quantity: 1, modifiers: ['bread'], name: 'Soup of the day', unitPrice: 575, modifierNames: ['With bread'] }]);
    });

    it('falls back to the favourite item from head office when there is no purchase here', () => {
      profiles.save(maya({
        purchaseSummary: {
          favouriteItems: [{ sku: 'muffin', name: 'Blueberry muffin', count: 30 }, { sku: 'tea', name: 'Breakfast tea', count: 12 }],
          lifetimeValue: 100, orderCount: 42,
        },
      }));
      expect(kiosk.card('p-maya', NOW).usualOrder).toEqual({
        daypart: 'morning',
        basis: 'favourite item',
        lines: [{ sku: 'tea', quantity: 1, modifiers: [], name: 'Breakfast tea', unitPrice: 260, modifierNames: [] }],
      });
      profiles.save(maya({ purchaseSummary: { favouriteItems: [{ sku: 'muffin', name: 'Blueberry muffin', count: 30 }], lifetimeValue: 1, orderCount: 1 } }));
      expect(kiosk.card('p-maya', NOW).usualOrder).toBeNull();
    });

    it('leaves a product no longer sold out of the usual order', () => {
      purchases.record({
        orderId: 'o-1', profileId: 'p-maya', orderedAt: daysBefore(1),
        lines: [{ sku: 'latte', quantity: 1, modifiers: [] }, { sku: 'muffin', quantity: 1, modifiers: [] }],
        total: 650, staffId: 'staff-1', screenId: 'kiosk-1', offerId: null,
      });
      expect(kiosk.card('p-maya', NOW).usualOrder).toEqual({
        daypart: 'morning',
        basis: 'usual morning order (1 of the last 1 morning)',
        lines: [{ sku: 'latte', quantity: 1, modifiers: [], name: 'Latte', unitPrice: 350, modifierNames: [] }],
      });
      // When nothing of the usual order is sold any more, the favourite item stands in.
      catalogue.replace(catalogue.all().filter((p) => p.sku !== 'latte'));
      expect(kiosk.card('p-maya', NOW).usualOrder).toMatchObject({ basis: 'favourite item', lines: [{ sku: 'flat-white', unitPrice: 340 }] });
    });

    it('refuses an unknown customer', () => {
      expect(() => kiosk.card('p-nobody', NOW)).toThrow(KioskRequestError);
      expect(() => kiosk.card('p-nobody', NOW)).toThrow('no customer p-nobody in this store');
    });
  });

  describe('confirmOrder()', () => {
    it('records the order and exactly one valid "Order Completed" event', () => {
      const result = kiosk.confirmOrder(order(), NOW);
      // 2 × (340 + 40 oat, once) + 280 (warming is free)
      expect(result).toEqual({ orderId: expect.any(String), total: 1040, currency: 'GBP' });

      const all = events();
      expect(all).toHaveLength(1);
      const event = trackEventSchema.parse(all[0]);
      expect(event).toEqual({
        type: 'track',
        event: EVENT_NAMES.orderCompleted,
        messageId: expect.any(String),
        userId: 'p-maya',
        context: { ...CONTEXT, screen: { id: 'kiosk-1' } },
        properties: {
          order_id: result.orderId,
          total: 10.4,
          revenue: 10.4,
          currency: 'GBP',
          products: [
            { product_id: 'flat-white', sku: 'flat-white', name: 'Flat white', price: 3.8, quantity: 2, variant: 'Oat milk' },
            { product_id: 'croissant', sku: 'croissant', name: 'Butter croissant', price: 2.8, quantity: 1, variant: 'Warmed' },
          ],
          staff_id: 'staff-7',
          kiosk_id: 'kiosk-1',
        },
        originalTimestamp: NOW.toISOString(),
        sentAt: null,
      });
      expect(event.anonymousId).toBeUndefined();

      expect(db.prepare('SELECT * FROM purchases').all()).toEqual([
        {
          order_id: result.orderId, profile_id: 'p-maya', ordered_at: NOW.toISOString(),
          lines: JSON.stringify([{ sku: 'flat-white', quantity: 2, modifiers: ['oat'] }, { sku: 'croissant', quantity: 1, modifiers: ['warm'] }]),
          total: 1040, staff_id: 'staff-7', screen_id: 'kiosk-1', offer_id: null,
        },
      ]);
    });

    it('leaves the variant out for a product without options', () => {
      kiosk.confirmOrder(order({ lines: [{ sku: 'water', quantity: 3, modifiers: [] }] }), NOW);
      const [event] = events();
      expect(event!.properties.products).toEqual([{ product_id: 'water', sku: 'water', name: 'Still water', price: 1.5, quantity: 3 }]);
      expect(event!.properties.total).toBe(4.5);
    });

    it('adds a point per whole pound and keeps the purchase summary current', () => {
      kiosk.confirmOrder(order(), NOW);
      const after = profiles.findById('p-maya')!;
      expect(after.points).toBe(1240 + 10);
      expect(after.purchaseSummary).toEqual({
        favouriteItems: [{ sku: 'flat-white', name: 'Flat white', count: 14 }, { sku: 'croissant', name: 'Butter croissant', count: 1 }],
        lifetimeValue: 331.9,
        orderCount: 41,
      });

      // £2.95: two points, not three.
      kiosk.confirmOrder(order({ lines: [{ sku: 'banana-bread', quantity: 1, modifiers: [] }] }), new Date(NOW.getTime() + 60_000));
      const later = profiles.findById('p-maya')!;
      expect(later.points).toBe(1252);
      expect(later.purchaseSummary?.orderCount).toBe(42);
      expect(later.purchaseSummary?.lifetimeValue).toBe(334.85);
      expect(later.purchaseSummary?.favouriteItems.map((i) => [i.sku, i.count])).toEqual([['flat-white', 14], ['croissant', 1], ['banana-bread', 1]]);
    });

    it('starts a purchase summary for a customer without one', () => {
      profiles.save(maya({ purchaseSummary: undefined, points: 0 }));
      kiosk.confirmOrder(order({ lines: [{ sku: 'latte', quantity: 2, modifiers: ['large'] }] }), NOW);
      expect(profiles.findById('p-maya')).toMatchObject({
        points: 8,
        purchaseSummary: { favouriteItems: [{ sku: 'latte', name: 'Latte', count: 2 }], lifetimeValue: 8, orderCount: 1 },
      });
    });

    it('makes the order the next usual order', () => {
      kiosk.confirmOrder(order(), NOW);
      expect(kiosk.card('p-maya', new Date(NOW.getTime() + DAY_MS)).usualOrder).toEqual({
        daypart: 'morning',
        basis: 'usual morning order (1 of the last 1 morning)',
        lines: [
          { sku: 'croissant', quantity: 1, modifiers: ['warm'], name: 'Butter croissant', unitPrice: 280, modifierNames: ['Warmed'] },
          { sku: 'flat-white', quantity: 2, modifiers: ['oat'], name: 'Flat white', unitPrice: 380, modifierNames: ['Oat milk'] },
        ],
      });
    });

    it('removes the served customer from the counter list', () => {
      kiosk.card('p-maya', NOW);
      presence.arrived('kiosk-1', { key: 'p-maya', profileId: 'p-maya', displayName: 'Maya Okafor', tier: 'Gold', beaconId: null }, 'scan', NOW.getTime());
      presence.arrived('kiosk-1', { key: 'p-other', profileId: 'p-other', displayName: 'Other', tier: null, beaconId: null }, 'scan', NOW.getTime());
      kiosk.confirmOrder(order(), NOW);
      expect(presence.list('kiosk-1').map((c) => c.key)).toEqual(['p-other']);
    });

    it('refuses an unknown product or option and writes nothing', () => {
      const before = profiles.findById('p-maya');
      expect(() => kiosk.confirmOrder(order({ lines: [{ sku: 'latte', quantity: 1, modifiers: [] }, { sku: 'muffin', quantity: 1, modifiers: [] }] }), NOW)).toThrow(OrderLineError);
      expect(() => kiosk.confirmOrder(order({ lines: [{ sku: 'espresso', quantity: 1, modifiers: ['oat'] }] }), NOW)).toThrow(/no option "oat"/);
      expect(purchaseCount()).toBe(0);
      expect(outbox.pending()).toBe(0);
      expect(profiles.findById('p-maya')).toEqual(before);
    });

    it('rolls everything back when the last write of the order fails', () => {
      const before = profiles.findById('p-maya');
      // The outbox row is the last thing written; a failing listener makes that step throw inside the transaction.
      const stop = outbox.onAppend(() => {
        throw new Error('disk full');
      });
      expect(() => kiosk.confirmOrder(order(), NOW)).toThrow('disk full');
      stop();
      expect(purchaseCount()).toBe(0);
      expect(outbox.pending()).toBe(0);
      expect(profiles.findById('p-maya')).toEqual(before);
    });

    it('refuses an offer the customer is not eligible for, and writes nothing', () => {
      // Not her birthday.
      expect(() => kiosk.confirmOrder(order({ offerId: 'birthday-treat' }), NOW)).toThrow(KioskRequestError);
      expect(() => kiosk.confirmOrder(order({ offerId: 'birthday-treat' }), NOW)).toThrow('offer birthday-treat is not available for this customer now');
      expect(() => kiosk.confirmOrder(order({ offerId: 'no-such-offer' }), NOW)).toThrow(KioskRequestError);
      // Eligible by tier, but no consent to personalised offers.
      profiles.save(maya({ consents: { greetPublic: true, personalisedOffers: false, tracking: true } }));
      expect(() => kiosk.confirmOrder(order({ offerId: 'gold-upgrade' }), NOW)).toThrow(KioskRequestError);
      // A walk-in has no offers.
      expect(() => kiosk.confirmOrder(order({ profileId: null, offerId: 'gold-upgrade' }), NOW)).toThrow(KioskRequestError);
      expect(purchaseCount()).toBe(0);
      expect(outbox.pending()).toBe(0);
      expect(profiles.findById('p-maya')?.points).toBe(1240);
    });

    it('records an eligible offer as the coupon', () => {
      const result = kiosk.confirmOrder(order({ offerId: 'gold-upgrade' }), NOW);
      const [event] = events();
      expect(trackEventSchema.safeParse(event).success).toBe(true);
      expect(event!.properties).toMatchObject({ order_id: result.orderId, coupon: 'gold-upgrade' });
      expect(db.prepare('SELECT offer_id FROM purchases').get()).toEqual({ offer_id: 'gold-upgrade' });
    });

    it('records a walk-in under an anonymous id made from the order id', () => {
      const result = kiosk.confirmOrder(order({ profileId: null }), NOW);
      const all = events();
      expect(all).toHaveLength(1);
      const event = trackEventSchema.parse(all[0]);
      expect(event.anonymousId).toBe(`walk-in:${result.orderId}`);
      expect(event.userId).toBeUndefined();
      expect(event.properties).toMatchObject({ order_id: result.orderId, total: 10.4 });
      expect(db.prepare('SELECT profile_id, total FROM purchases').get()).toEqual({ profile_id: null, total: 1040 });
      expect(profiles.findById('p-maya')?.points).toBe(1240);
    });

    it('refuses an order for an unknown customer', () => {
      expect(() => kiosk.confirmOrder(order({ profileId: 'p-nobody' }), NOW)).toThrow(KioskRequestError);
      expect(purchaseCount()).toBe(0);
      expect(outbox.pending()).toBe(0);
    });

    it('gives every order its own id', () => {
      const first = kiosk.confirmOrder(order(), NOW);
      const second = kiosk.confirmOrder(order(), NOW);
      expect(first.orderId).not.toBe(second.orderId);
      expect(purchaseCount()).toBe(2);
      expect(events().map((e) => e.properties.order_id)).toEqual([first.orderId, second.orderId]);
    });
  });

  describe('enrol()', () => {
    it('creates the profile, links the card and the beacon, and says so in the outbox', () => {
      const card = kiosk.enrol(enrolment(), NOW);
      expect(card).toMatchObject({
        // Today's visit counts; "last visit" is the one before it, and a new member has none.
        firstName: 'Ada', lastName: 'Lovelace', points: 0, visitCount: 1, lastVisitAt: null,
        daysSinceLastVisit: null, birthdayToday: false, consents: { greetPublic: false, personalisedOffers: true, tracking: true },
        maskedEmail: null, maskedPhone: null, offers: [], usualOrder: null,
      });
      const stored = profiles.findById(card.profileId)!;
      expect(stored).toMatchObject({ birthday: '--12-10', memberSince: '2026-03-10', tier: null });
      expect(profiles.findByIdentifier('loyalty', NEW_CARD)?.id).toBe(card.profileId);
      expect(profiles.findByIdentifier('beacon', NEW_BEACON)?.id).toBe(card.profileId);
      expect(profiles.identifiers(card.profileId)).toEqual([
        { kind: 'beacon', value: NEW_BEACON },
        { kind: 'loyalty', value: NEW_CARD },
      ]);
      expect(profiles.countProfiles()).toBe(2);

      const all = events().map((e) => trackEventSchema.parse(e));
      expect(all.map((e) => e.event)).toEqual([EVENT_NAMES.customerEnrolled, EVENT_NAMES.identityLinked, EVENT_NAMES.identityLinked]);
      expect(all.every((e) => e.userId === card.profileId && e.originalTimestamp === NOW.toISOString() && e.context.screen?.id === 'kiosk-1')).toBe(true);
      expect(all[0]!.properties).toEqual({
        firstName: 'Ada', lastName: 'Lovelace', birthday: '--12-10', memberSince: '2026-03-10',
        consents: { greetPublic: false, personalisedOffers: true, tracking: true }, channel: 'store-kiosk',
      });
      expect(all[0]!.anonymousId).toBeUndefined();
      expect(all[1]!.properties).toEqual({ kind: 'loyalty', value: NEW_CARD, channel: 'store-kiosk' });
      expect(all[1]!.anonymousId).toBeUndefined();
      // The beacon's anonymous history was recorded under its canonical id: that is what joins it.
      expect(all[2]!.anonymousId).toBe(NEW_BEACON);
      expect(all[2]!.properties).toEqual({ kind: 'beacon', channel: 'store-kiosk' });
    });

    it('records the consents exactly as given', () => {
      const none = kiosk.enrol(enrolment({ consents: { greetPublic: false, personalisedOffers: false, tracking: false }, link: { scannedCode: NEW_CARD } }), NOW);
      expect(profiles.findById(none.profileId)?.consents).toEqual({ greetPublic: false, personalisedOffers: false, tracking: false });
      const all = kiosk.enrol(enrolment({ firstName: 'Bea', consents: { greetPublic: true, personalisedOffers: true, tracking: true }, link: { scannedCode: 'LC-2024/0042' } }), NOW);
      expect(profiles.findById(all.profileId)?.consents).toEqual({ greetPublic: true, personalisedOffers: true, tracking: true });
    });

    it('turns the anonymous beacon at the counter into the new member, keeping when they arrived', () => {
      const arrived = NOW.getTime() - 90_000;
      presence.arrived('kiosk-1', { key: NEW_BEACON, profileId: null, displayName: null, tier: null, beaconId: NEW_BEACON }, 'beacon', arrived);
      const card = kiosk.enrol(enrolment(), NOW);
      expect(presence.list('kiosk-1')).toEqual([
        { key: card.profileId, kind: 'known', profileId: card.profileId, displayName: 'Ada Lovelace', tier: null, via: 'beacon', since: new Date(arrived).toISOString(), beaconId: null },
      ]);
      expect(presenceChanges.at(-1)?.customers.map((c) => c.key)).toEqual([card.profileId]);
    });

    it('lists a member enrolled by card alone as scanned at the counter', () => {
      const card = kiosk.enrol(enrolment({ lastName: undefined, link: { scannedCode: NEW_CARD } }), NOW);
      expect(presence.list('kiosk-1')).toEqual([
        { key: card.profileId, kind: 'known', profileId: card.profileId, displayName: 'Ada', tier: null, via: 'scan', since: NOW.toISOString(), beaconId: null },
      ]);
      expect(events().map((e) => e.event)).toEqual([EVENT_NAMES.customerEnrolled, EVENT_NAMES.identityLinked]);
    });

    it('refuses a card that belongs to another customer, and creates no one', () => {
      presence.arrived('kiosk-1', { key: NEW_BEACON, profileId: null, displayName: null, tier: null, beaconId: NEW_BEACON }, 'beacon', NOW.getTime());
      expect(() => kiosk.enrol(enrolment({ link: { scannedCode: MAYA_CARD, beaconId: NEW_BEACON } }), NOW)).toThrow(KioskRequestError);
      expect(() => kiosk.enrol(enrolment({ link: { scannedCode: MAYA_CARD } }), NOW)).toThrow('that card already belongs to another customer');
      expect(() => kiosk.enrol(enrolment({ link: { scannedCode: NEW_CARD, beaconId: MAYA_BEACON } }), NOW)).toThrow('that phone is already linked to another customer');
      expect(profiles.countProfiles()).toBe(1);
      expect(db.prepare("SELECT count(*) AS n FROM profiles WHERE first_name = 'Ada'").get()).toEqual({ n: 0 });
      expect(outbox.pending()).toBe(0);
      // The new card and beacon linked before the conflict were rolled back too.
      expect(profiles.findByIdentifier('loyalty', NEW_CARD)).toBeUndefined();
      expect(profiles.findByIdentifier('beacon', NEW_BEACON)).toBeUndefined();
      expect(profiles.identifiers('p-maya')).toHaveLength(4);
      expect(presence.list('kiosk-1')).toMatchObject([{ key: NEW_BEACON, kind: 'anonymous' }]);
    });

    it('refuses a misread or foreign code, and a bad beacon id, writing nothing', () => {
      const misread = `${NEW_CARD.slice(0, 12)}${(Number(NEW_CARD[12]) + 1) % 10}`;
      expect(() => kiosk.enrol(enrolment({ link: { scannedCode: misread } }), NOW)).toThrow(KioskRequestError);
      expect(() => kiosk.enrol(enrolment({ link: { scannedCode: misread } }), NOW)).toThrow(/check digit/);
      // A product barcode (valid EAN-13 outside the in-store range).
      expect(() => kiosk.enrol(enrolment({ link: { scannedCode: '4006381333931' } }), NOW)).toThrow(/product barcode/);
      expect(() => kiosk.enrol(enrolment({ link: { beaconId: 'not a beacon' } }), NOW)).toThrow(KioskRequestError);
      expect(profiles.countProfiles()).toBe(1);
      expect(outbox.pending()).toBe(0);
      expect(presence.list('kiosk-1')).toEqual([]);
    });
  });

  describe('a customer recognised on arrival, then served', () => {
    it('the card and the offers still see the visit before this one', () => {
      profiles.save(maya({ lastVisitAt: daysBefore(68).toISOString(), tier: 'Silver' }));
      // The beacon at the door counted today's visit a minute ago.
      profiles.recordVisit('p-maya', new Date(NOW.getTime() - 60_000));
      const card = kiosk.card('p-maya', NOW);
      expect(card.daysSinceLastVisit).toBe(68);
      expect(card.visitCount).toBe(6);
      expect(card.offers.map((o) => o.id)).toEqual(['welcome-back-double-points']);
    });

    it('the double-points offer doubles the points of that order', () => {
      profiles.save(maya({ lastVisitAt: daysBefore(40).toISOString(), tier: 'Silver', points: 0 }));
      kiosk.confirmOrder({ screenId: 'kiosk-1', profileId: 'p-maya', lines: [{ sku: 'latte', quantity: 1, modifiers: ['extra-shot'] }], offerId: 'welcome-back-double-points', staffId: 's-1' }, NOW);
      // 3.50 + 0.60 = 4.10: 4 points, doubled.
      expect(profiles.findById('p-maya')!.points).toBe(8);
    });

    it('keeps a modifier with an "x" in its id in the usual order', () => {
      kiosk.confirmOrder({ screenId: 'kiosk-1', profileId: 'p-maya', lines: [{ sku: 'latte', quantity: 1, modifiers: ['extra-shot'] }], staffId: 's-1' }, new Date(NOW.getTime() - 86_400_000));
      expect(kiosk.card('p-maya', NOW).usualOrder?.lines).toMatchObject([{ sku: 'latte', modifiers: ['extra-shot'], quantity: 1 }]);
    });
  });

  describe('link()', () => {
    it('adds a card to an existing customer', () => {
      const card = kiosk.link('kiosk-1', 'p-maya', { scannedCode: NEW_CARD }, NOW);
      expect(card.profileId).toBe('p-maya');
      expect(profiles.findByIdentifier('loyalty', NEW_CARD)?.id).toBe('p-maya');
      expect(profiles.findByIdentifier('loyalty', MAYA_CARD)?.id).toBe('p-maya');
      const all = events().map((e) => trackEventSchema.parse(e));
      expect(all).toHaveLength(1);
      expect(all[0]).toMatchObject({ event: EVENT_NAMES.identityLinked, userId: 'p-maya', properties: { kind: 'loyalty', value: NEW_CARD, channel: 'store-kiosk' } });
    });

    it('is harmless to repeat: the identifier is held once', () => {
      kiosk.link('kiosk-1', 'p-maya', { scannedCode: NEW_CARD }, NOW);
      const again = kiosk.link('kiosk-1', 'p-maya', { scannedCode: ` ${NEW_CARD} ` }, new Date(NOW.getTime() + 60_000));
      expect(again.profileId).toBe('p-maya');
      expect(profiles.identifiers('p-maya').filter((i) => i.value === NEW_CARD)).toEqual([{ kind: 'loyalty', value: NEW_CARD }]);
      expect(profiles.identifiers('p-maya')).toHaveLength(5);
      // An identifier she already had at import is no conflict either.
      expect(() => kiosk.link('kiosk-1', 'p-maya', { scannedCode: MAYA_CARD }, NOW)).not.toThrow();
      expect(profiles.identifiers('p-maya')).toHaveLength(5);
      // Nothing changed the second and third time, so head office hears of the link once.
      expect(events().filter((e) => e.event === EVENT_NAMES.identityLinked)).toHaveLength(1);
    });

    it('links a beacon under its canonical id and turns the anonymous entry into the customer', () => {
      presence.arrived('kiosk-1', { key: NEW_BEACON, profileId: null, displayName: null, tier: null, beaconId: NEW_BEACON }, 'beacon', NOW.getTime() - 30_000);
      kiosk.link('kiosk-1', 'p-maya', { beaconId: NEW_BEACON_RAW }, NOW);
      expect(profiles.findByIdentifier('beacon', NEW_BEACON)?.id).toBe('p-maya');
      const [event] = events();
      expect(event).toMatchObject({ event: EVENT_NAMES.identityLinked, userId: 'p-maya', anonymousId: NEW_BEACON, properties: { kind: 'beacon', channel: 'store-kiosk' } });
      expect(presence.list('kiosk-1')).toMatchObject([{ key: 'p-maya', kind: 'known', displayName: 'Maya Okafor', via: 'beacon', since: new Date(NOW.getTime() - 30_000).toISOString() }]);
    });

    it('refuses a card of another customer, an unknown customer, and a misread, writing nothing', () => {
      profiles.save({ id: 'p-mark', firstName: 'Mark', points: 0, visitCount: 0, consents: { greetPublic: false, personalisedOffers: false, tracking: false }, identifiers: [{ kind: 'loyalty', value: NEW_CARD }] });
      expect(() => kiosk.link('kiosk-1', 'p-maya', { scannedCode: NEW_CARD }, NOW)).toThrow('that card already belongs to another customer');
      // The beacon before the conflicting card is rolled back with it.
      expect(() => kiosk.link('kiosk-1', 'p-maya', { beaconId: NEW_BEACON, scannedCode: NEW_CARD }, NOW)).toThrow(KioskRequestError);
      expect(() => kiosk.link('kiosk-1', 'p-nobody', { scannedCode: 'LC-9' }, NOW)).toThrow('no customer p-nobody in this store');
      expect(() => kiosk.link('kiosk-1', 'p-maya', { scannedCode: '2001234567890' }, NOW)).toThrow(/check digit/);
      expect(profiles.findByIdentifier('loyalty', NEW_CARD)?.id).toBe('p-mark');
      expect(profiles.findByIdentifier('beacon', NEW_BEACON)).toBeUndefined();
      expect(profiles.identifiers('p-maya')).toHaveLength(4);
      expect(outbox.pending()).toBe(0);
    });
  });
});

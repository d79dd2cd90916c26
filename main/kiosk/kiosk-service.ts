/**
 * The counter kiosk's requests: the customer card, search, the catalogue, confirming an
 * order, enrolling and linking. Everything is local: nothing here waits on the network.
 * Every state change is written with its outbox event in one transaction.
 */
import { randomUUID } from 'node:crypto';
import { EVENT_NAMES } from '../../protocol/events';
import type { Identifier } from '../../protocol/identifiers';
import type { CustomerCard, KioskOffer, OrderLine, PricedOrderLine, UsualOrder } from '../../protocol/kiosk';
import type { Db } from '../store/database';
import { IdentifierConflictError, type ProfileStore, type StoredProfile } from '../store/profile-store';
import type { Outbox } from '../outbox/outbox';
import type { Catalogue } from '../catalogue/catalogue';
import type { PurchaseStore } from '../orders/purchase-store';
import { daypartOf, usualOrder } from '../orders/usual-order';
import type { StoreClock } from '../decisions/local-time';
import type { CompiledRuleSet } from '../decisions/rule-set';
import { computeFacts, toCelFacts } from '../decisions/facts';
import { identifyScanCode } from '../ingestion/loyalty-code';
import { normalizeBeaconId } from '../ingestion/beacon-id';
import type { CounterPresence, PresentPerson } from './counter-presence';
import { maskEmail, maskPhone } from './masking';

const DAY_MS = 86_400_000;

/** A request the kiosk can fix (unknown customer, card already taken): shown to staff as is. */
export class KioskRequestError extends Error {}

export interface KioskServiceDeps {
  db: Db;
  profiles: ProfileStore;
  purchases: PurchaseStore;
  catalogue: Catalogue;
  outbox: Outbox;
  rules: CompiledRuleSet;
  clock: StoreClock;
  presence: CounterPresence;
  currency: string;
  /** A visit that started less than this long ago is the current one (see beforeThisVisit). */
  visitGapMs: number;
}

export interface ConfirmOrder {
  screenId: string;
  profileId: string | null;
  lines: OrderLine[];
  offerId?: string;
  staffId: string;
}

export interface Enrolment {
  screenId: string;
  firstName: string;
  lastName?: string;
  birthday?: string;
  consents: { greetPublic: boolean; personalisedOffers: boolean; tracking: boolean };
  link: { scannedCode?: string; beaconId?: string };
}

export function presentPerson(profile: StoredProfile): PresentPerson {
  return {
    key: profile.id,
    profileId: profile.id,
    displayName: profile.lastName ? `${profile.firstName} ${profile.lastName}` : profile.firstName,
    tier: profile.tier,
    beaconId: null,
  };
}

export class KioskService {
  private rules: CompiledRuleSet;
  private readonly confirmTx;
  private readonly enrolTx;
  private readonly linkTx;

  constructor(private readonly deps: KioskServiceDeps) {
    this.rules = deps.rules;
    this.confirmTx = deps.db.transaction((order: ConfirmOrder, at: Date) => this.recordOrder(order, at));
    this.enrolTx = deps.db.transaction((enrolment: Enrolment, at: Date) => this.recordEnrolment(enrolment, at));
    this.linkTx = deps.db.transaction((profileId: string, identifiers: Identifier[], screenId: string, at: Date) =>
      this.recordLinks(profileId, identifiers, screenId, at),
    );
  }

  /** Head office sent new rules (and offers with them). */
  setRules(rules: CompiledRuleSet): void {
    this.rules = rules;
  }

  /**
   * The profile as it was before the visit in progress: recognition on arrival already
   * counted this visit, but staff (and offers such as "welcome back") mean the one before.
   */
  private beforeThisVisit(profile: StoredProfile, at: Date): StoredProfile {
    const last = profile.lastVisitAt ? Date.parse(profile.lastVisitAt) : Number.NaN;
    if (!(at.getTime() - last < this.deps.visitGapMs) || profile.visitCount === 0) return profile;
    return { ...profile, lastVisitAt: profile.previousVisitAt, visitCount: profile.visitCount - 1 };
  }

  card(profileId: string, at: Date = new Date()): CustomerCard {
    const current = this.profile(profileId);
    // Visits count today's; "last visit" and the offers mean the one before it.
    const profile = this.beforeThisVisit(current, at);
    const identifiers = this.deps.profiles.identifiers(profileId);
    const email = identifiers.find((i) => i.kind === 'email')?.value;
    const phone = identifiers.find((i) => i.kind === 'phone')?.value;
    const lastVisit = profile.lastVisitAt ? Date.parse(profile.lastVisitAt) : Number.NaN;
    const local = this.deps.clock.local(at);
    return {
      profileId: profile.id,
      firstName: profile.firstName,
      lastName: profile.lastName,
      tier: profile.tier,
      points: profile.points,
      visitCount: current.visitCount,
      lastVisitAt: profile.lastVisitAt,
      daysSinceLastVisit: Number.isFinite(lastVisit) ? Math.max(0, Math.floor((at.getTime() - lastVisit) / DAY_MS)) : null,
      birthdayToday: computeFacts(profile, 'kiosk', 'scan', at, local).isBirthday,
      allergies: profile.allergies,
      preferences: profile.preferences,
      consents: profile.consents,
      maskedEmail: email ? maskEmail(email) : null,
      maskedPhone: phone ? maskPhone(phone) : null,
      offers: this.offersFor(profile, at),
      usualOrder: this.usualOrderOf(profile, at, local.hour),
    };
  }

  confirmOrder(order: ConfirmOrder, at: Date = new Date()): { orderId: string; total: number; currency: string } {
    const result = this.confirmTx(order, at);
    if (order.profileId) this.deps.presence.served(order.screenId, order.profileId);
    return result;
  }

  enrol(enrolment: Enrolment, at: Date = new Date()): CustomerCard {
    const { profileId, beaconId } = this.enrolTx(enrolment, at);
    const profile = this.profile(profileId);
    if (!beaconId || !this.deps.presence.identified(beaconId, presentPerson(profile))) {
      this.deps.presence.arrived(enrolment.screenId, presentPerson(profile), 'scan', at.getTime());
    }
    return this.card(profileId, at);
  }

  link(screenId: string, profileId: string, link: Enrolment['link'], at: Date = new Date()): CustomerCard {
    const profile = this.profile(profileId);
    const identifiers = this.linkTargets(link);
    this.linkTx(profileId, identifiers, screenId, at);
    const beacon = identifiers.find((i) => i.kind === 'beacon');
    if (beacon) this.deps.presence.identified(beacon.value, presentPerson(profile));
    return this.card(profileId, at);
  }

  private profile(profileId: string): StoredProfile {
    const profile = this.deps.profiles.findById(profileId);
    if (!profile) throw new KioskRequestError(`no customer ${profileId} in this store`);
    return profile;
  }

  private offersFor(profile: StoredProfile, at: Date): KioskOffer[] {
    if (!profile.consents.personalisedOffers) return [];
    const view = computeFacts(profile, 'kiosk', 'scan', at, this.deps.clock.local(at));
    const offers: KioskOffer[] = [];
    for (const { offer, condition, celParams } of this.rules.offers) {
      try {
        if (condition(toCelFacts(view, celParams)) === true) offers.push({ id: offer.id, title: offer.title, description: offer.description });
      } catch {
        // An offer whose condition cannot be evaluated for this person is not offered.
      }
    }
    return offers;
  }

  private usualOrderOf(profile: StoredProfile, at: Date, localHour: number): UsualOrder | null {
    const choice = usualOrder(this.deps.purchases.history(profile.id), at, localHour);
    const priced = (lines: OrderLine[]): PricedOrderLine[] =>
      lines.flatMap((line) => {
        try {
          return [this.deps.catalogue.price(line)];
        } catch {
          return []; // a product no longer sold is left out of the suggestion
        }
      });
    if (choice) {
      const lines = priced(choice.lines);
      if (lines.length) return { lines, basis: choice.basis, daypart: choice.daypart };
    }
    // No orders here yet: head office's favourite item, if this store sells it.
    const favourite = profile.purchaseSummary?.favouriteItems.find((item) => this.deps.catalogue.find(item.sku));
    if (!favourite) return null;
    const lines = priced([{ sku: favourite.sku, quantity: 1, modifiers: [] }]);
    return lines.length ? { lines, basis: 'favourite item', daypart: daypartOf(localHour) } : null;
  }

  private recordOrder(order: ConfirmOrder, at: Date): { orderId: string; total: number; currency: string } {
    const { catalogue, outbox, profiles, purchases, currency } = this.deps;
    const profile = order.profileId ? this.profile(order.profileId) : undefined;
    const lines = order.lines.map((line) => catalogue.price(line));
    const total = lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
    const offer = order.offerId && profile ? this.offersFor(this.beforeThisVisit(profile, at), at).find((o) => o.id === order.offerId) : undefined;
    if (order.offerId && !offer) throw new KioskRequestError(`offer ${order.offerId} is not available for this customer now`);
    const pointsMultiplier = offer ? (this.rules.offers.find((o) => o.offer.id === offer.id)?.offer.pointsMultiplier ?? 1) : 1;
    const orderId = randomUUID();
    purchases.record({
      orderId, profileId: profile?.id ?? null, orderedAt: at, lines: lines.map(({ sku, quantity, modifiers }) => ({ sku, quantity, modifiers })),
      total, staffId: order.staffId, screenId: order.screenId, offerId: order.offerId ?? null,
    });
    if (profile) {
      const summary = profile.purchaseSummary ?? { favouriteItems: [], lifetimeValue: 0, orderCount: 0 };
      const counts = new Map(summary.favouriteItems.map((item) => [item.sku, { ...item }]));
      for (const line of lines) {
        const item = counts.get(line.sku) ?? { sku: line.sku, name: line.name, count: 0 };
        item.count += line.quantity;
        counts.set(line.sku, item);
      }
      profiles.recordPurchase(
        profile.id,
        {
          favouriteItems: [...counts.values()].sort((a, b) => b.count - a.count).slice(0, 50),
          lifetimeValue: Math.round((summary.lifetimeValue + total / 100) * 100) / 100,
          orderCount: summary.orderCount + 1,
        },
        Math.floor(total / 100) * pointsMultiplier,
        at,
      );
    }
    // An order is a loyalty transaction: it carries the member's id whatever their tracking choice.
    outbox.append({
      event: EVENT_NAMES.orderCompleted,
      ...(profile ? { userId: profile.id } : { anonymousId: `walk-in:${orderId}` }),
      screenId: order.screenId,
      at,
      properties: {
        order_id: orderId,
        total: total / 100,
        revenue: total / 100,
        currency,
        ...(order.offerId ? { coupon: order.offerId } : {}),
        products: lines.map((line) => ({
          product_id: line.sku, sku: line.sku, name: line.name, price: line.unitPrice / 100, quantity: line.quantity,
          variant: line.modifierNames.join(', ') || undefined,
        })),
        staff_id: order.staffId,
        kiosk_id: order.screenId,
      },
    });
    return { orderId, total, currency };
  }

  private linkTargets(link: Enrolment['link']): Identifier[] {
    const identifiers: Identifier[] = [];
    if (link.scannedCode !== undefined) {
      const scanned = identifyScanCode(link.scannedCode);
      if (!scanned.ok) throw new KioskRequestError(`the scanned code cannot be linked: ${scanned.reason}`);
      identifiers.push(scanned.identifier);
    }
    if (link.beaconId !== undefined) {
      const beacon = normalizeBeaconId(link.beaconId);
      if (!beacon) throw new KioskRequestError(`"${link.beaconId}" is not a beacon id`);
      identifiers.push({ kind: 'beacon', value: beacon });
    }
    return identifiers;
  }

  private recordLinks(profileId: string, identifiers: Identifier[], screenId: string, at: Date): void {
    for (const identifier of identifiers) {
      try {
        // Already linked: nothing changed, so nothing to tell head office.
        if (!this.deps.profiles.link(profileId, identifier)) continue;
      } catch (error) {
        if (error instanceof IdentifierConflictError) {
          throw new KioskRequestError(
            identifier.kind === 'beacon' ? 'that phone is already linked to another customer' : 'that card already belongs to another customer',
          );
        }
        throw error;
      }
      this.deps.outbox.append({
        event: EVENT_NAMES.identityLinked,
        userId: profileId,
        // The beacon's anonymous history was recorded under its id: this joins it to the profile.
        ...(identifier.kind === 'beacon' ? { anonymousId: identifier.value } : {}),
        screenId,
        at,
        properties: { kind: identifier.kind, ...(identifier.kind === 'beacon' ? {} : { value: identifier.value }), channel: 'store-kiosk' },
      });
    }
  }

  private recordEnrolment(enrolment: Enrolment, at: Date): { profileId: string; beaconId: string | undefined } {
    const identifiers = this.linkTargets(enrolment.link);
    const profileId = randomUUID();
    const today = at.toISOString().slice(0, 10);
    this.deps.profiles.save(
      {
        id: profileId,
        firstName: enrolment.firstName,
        ...(enrolment.lastName ? { lastName: enrolment.lastName } : {}),
        ...(enrolment.birthday ? { birthday: enrolment.birthday } : {}),
        memberSince: today,
        points: 0,
        visitCount: 1,
        lastVisitAt: at.toISOString(),
        consents: enrolment.consents,
        identifiers: [],
      },
      at,
    );
    this.deps.outbox.append({
      event: EVENT_NAMES.customerEnrolled,
      userId: profileId,
      screenId: enrolment.screenId,
      at,
      properties: {
        firstName: enrolment.firstName,
        lastName: enrolment.lastName ?? null,
        birthday: enrolment.birthday ?? null,
        memberSince: today,
        consents: enrolment.consents,
        channel: 'store-kiosk',
      },
    });
    this.recordLinks(profileId, identifiers, enrolment.screenId, at);
    return { profileId, beaconId: identifiers.find((i) => i.kind === 'beacon')?.value };
  }
}

/**
 * What the counter staff kiosk and the agent say to each other, beside the signage map.
 * Staff see more than the public screen (last name, tier, allergies, offers) but never
 * more than they need: e-mail and phone arrive masked, and nothing else identifying.
 */
import { z } from 'zod';

/** Money in minor units (pence, cents): no floating-point totals at the till. */
export const minorUnits = z.number().int().nonnegative().max(100_000_00);

export const productSchema = z.object({
  sku: z.string().min(1).max(40),
  name: z.string().min(1).max(80),
  category: z.string().max(40),
  price: minorUnits,
  /** Modifiers staff can add ("oat milk", "extra shot"), each with its own surcharge. */
  modifiers: z.array(z.object({ id: z.string().min(1).max(40), name: z.string().max(60), price: minorUnits })).max(30),
});
export type Product = z.infer<typeof productSchema>;

export const orderLineSchema = z.object({
  sku: z.string().min(1).max(40),
  quantity: z.number().int().min(1).max(50),
  modifiers: z.array(z.string().min(1).max(40)).max(10),
});
export type OrderLine = z.infer<typeof orderLineSchema>;

/** An order line as the kiosk shows it: names and prices resolved from the catalogue. */
export interface PricedOrderLine extends OrderLine {
  name: string;
  /** Unit price including modifiers. */
  unitPrice: number;
  modifierNames: string[];
}

export interface UsualOrder {
  lines: PricedOrderLine[];
  /** In words, for staff: "usual morning order (4 of the last 5 mornings)". */
  basis: string;
  daypart: Daypart;
}

export type Daypart = 'morning' | 'midday' | 'afternoon' | 'evening';

export interface KioskOffer {
  id: string;
  title: string;
  description: string;
}

export interface PresentCustomer {
  /** Stable key in the list: profile id, or the anonymous beacon id. */
  key: string;
  kind: 'known' | 'anonymous';
  profileId: string | null;
  /** Known customers only. */
  displayName: string | null;
  tier: string | null;
  via: 'beacon' | 'scan';
  /** ISO 8601: when they came to the counter (or were scanned). */
  since: string;
  /** Anonymous beacons only: what enrolment would link. */
  beaconId: string | null;
}

export interface CustomerCard {
  profileId: string;
  firstName: string;
  lastName: string | null;
  tier: string | null;
  points: number;
  visitCount: number;
  lastVisitAt: string | null;
  /** Whole days since the last visit; null when never visited. */
  daysSinceLastVisit: number | null;
  birthdayToday: boolean;
  allergies: string[];
  preferences: string[];
  consents: { greetPublic: boolean; personalisedOffers: boolean; tracking: boolean };
  maskedEmail: string | null;
  maskedPhone: string | null;
  /** Only with the personalised-offers consent. */
  offers: KioskOffer[];
  usualOrder: UsualOrder | null;
}

export interface SearchHit {
  profileId: string;
  displayName: string;
  tier: string | null;
  maskedPhone: string | null;
  /** Which part matched: name, phone tail or loyalty number. */
  matched: 'name' | 'phone' | 'loyalty';
}

export const consentsInputSchema = z.object({
  greetPublic: z.boolean(),
  personalisedOffers: z.boolean(),
  tracking: z.boolean(),
});

const screenId = z.string().min(1).max(64);
const profileId = z.string().min(1).max(64);

/** What enrolment or linking attaches: the card just scanned, the beacon at the counter. */
export const linkTargetsSchema = z
  .object({
    scannedCode: z.string().min(1).max(512).optional(),
    beaconId: z.string().min(1).max(200).optional(),
  })
  .refine((l) => l.scannedCode !== undefined || l.beaconId !== undefined, { message: 'link a scanned code or a beacon' });

export const kioskRequestArgSchemas = {
  'kiosk.present': z.object({ screenId }),
  'kiosk.card': z.object({ screenId, profileId }),
  'kiosk.search': z.object({ screenId, query: z.string().trim().min(2).max(64) }),
  'kiosk.catalogue': z.object({ screenId }),
  'kiosk.order.confirm': z.object({
    screenId,
    profileId: profileId.nullable(),
    lines: z.array(orderLineSchema).min(1).max(40),
    offerId: z.string().min(1).max(64).optional(),
    staffId: z.string().min(1).max(40),
  }),
  'kiosk.enrol': z.object({
    screenId,
    firstName: z.string().trim().min(1).max(80),
    lastName: z.string().trim().max(80).optional(),
    birthday: z.string().regex(/^(\d{4}|-)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/).optional(),
    consents: consentsInputSchema,
    link: z.object({ scannedCode: z.string().min(1).max(512).optional(), beaconId: z.string().min(1).max(200).optional() }),
  }),
  'kiosk.link': z.object({ screenId, profileId, link: linkTargetsSchema }),
} as const;

export interface KioskRequestResults {
  'kiosk.present': PresentCustomer[];
  'kiosk.card': CustomerCard;
  'kiosk.search': SearchHit[];
  'kiosk.catalogue': Product[];
  'kiosk.order.confirm': { orderId: string; total: number; currency: string };
  'kiosk.enrol': CustomerCard;
  'kiosk.link': CustomerCard;
}

export interface KioskEvents {
  /** The "who is here" list of a kiosk screen changed. */
  'kiosk.present': { screenId: string; customers: PresentCustomer[] };
}

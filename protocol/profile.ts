/**
 * A customer profile as the store holds it: only what recognition, greeting and the
 * counter need. Head office sends it down (a later issue); until then it is imported.
 */
import { z } from 'zod';
import { identifierSchema, type Consents } from './identifiers';

const isoDate = z.iso.date();
/** A birthday may come without the year: "--MM-DD" (ISO 8601) or "YYYY-MM-DD". */
const birthday = z.union([isoDate, z.string().regex(/^--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/)]);

export const purchaseSummarySchema = z.object({
  /** Item names with how often the person bought them, most frequent first. */
  favouriteItems: z.array(z.object({ sku: z.string(), name: z.string(), count: z.number().int().nonnegative() })).max(50),
  lifetimeValue: z.number().nonnegative(),
  orderCount: z.number().int().nonnegative(),
});
export type PurchaseSummary = z.infer<typeof purchaseSummarySchema>;

/** Rules a profile remembers a greeting for: more than any store's rule set holds. */
export const MAX_REMEMBERED_GREETINGS = 32;

/**
 * When each rule last greeted the person on a screen, in whichever store: head office merges
 * the stores' "Promotion Viewed" events, so a rule's cooldown and daily cap hold across
 * stores, not only within the one that greeted. Newest first.
 */
export const rememberedGreetingsSchema = z
  .array(z.object({ ruleId: z.string().min(1).max(64), shownAt: z.iso.datetime({ offset: true }) }))
  .max(MAX_REMEMBERED_GREETINGS);
export type RememberedGreeting = z.infer<typeof rememberedGreetingsSchema>[number];

export const profileSchema = z.object({
  id: z.string().min(1).max(64),
  firstName: z.string().min(1).max(80),
  lastName: z.string().max(80).optional(),
  birthday: birthday.optional(),
  memberSince: isoDate.optional(),
  tier: z.string().max(40).optional(),
  points: z.number().int().nonnegative().default(0),
  lastVisitAt: z.iso.datetime({ offset: true }).optional(),
  visitCount: z.number().int().nonnegative().default(0),
  purchaseSummary: purchaseSummarySchema.optional(),
  /** For counter staff: "peanuts", "lactose". Never shown on a public screen. */
  allergies: z.array(z.string().min(1).max(60)).max(20).default([]),
  preferences: z.array(z.string().min(1).max(60)).max(20).default([]),
  greetings: rememberedGreetingsSchema.default([]),
  consents: z.object({
    greetPublic: z.boolean().default(false),
    personalisedOffers: z.boolean().default(false),
    tracking: z.boolean().default(false),
  }),
  identifiers: z.array(identifierSchema).min(1).max(32),
});

export type ProfileInput = z.input<typeof profileSchema>;
export type Profile = z.infer<typeof profileSchema> & { consents: Consents };

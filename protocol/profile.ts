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
  consents: z.object({
    greetPublic: z.boolean().default(false),
    personalisedOffers: z.boolean().default(false),
    tracking: z.boolean().default(false),
  }),
  identifiers: z.array(identifierSchema).min(1).max(32),
});

export type ProfileInput = z.input<typeof profileSchema>;
export type Profile = z.infer<typeof profileSchema> & { consents: Consents };

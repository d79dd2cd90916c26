/**
 * How a person is known. One profile has many identifiers; each (kind, value) belongs to
 * at most one profile. Values are stored in the canonical form that the parsers produce,
 * so a lookup never needs to normalise twice.
 */
import { z } from 'zod';

export const IDENTIFIER_KINDS = ['loyalty', 'beacon', 'app', 'email', 'phone'] as const;
export const identifierKindSchema = z.enum(IDENTIFIER_KINDS);
export type IdentifierKind = z.infer<typeof identifierKindSchema>;

export const identifierSchema = z.object({
  kind: identifierKindSchema,
  value: z.string().min(1).max(256),
});
export type Identifier = z.infer<typeof identifierSchema>;

/** Consent per purpose: each one is asked for, and recorded, separately. */
export const CONSENT_PURPOSES = ['greetPublic', 'personalisedOffers', 'tracking'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export type Consents = Record<ConsentPurpose, boolean>;

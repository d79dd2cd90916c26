/**
 * An admin's edit of a profile: any subset of the fields, and optionally the whole
 * identifier list. `null` clears an optional field. Every field written takes the edit's
 * clock (a server HLC newer than anything on the profile), so the edit wins over what
 * head office has seen, and events older than it do not undo it.
 */
import { z } from 'zod';
import { identifierSchema } from '../../protocol/identifiers';
import { profileSchema, purchaseSummarySchema, rememberedGreetingsSchema } from '../../protocol/profile';
import type { CentralProfile } from './central-profile';
import { lwwSet } from './field-clocks';
import { newestFirst } from './remembered-greetings';

const shape = profileSchema.shape;

// Written out rather than profileSchema.partial(): zod applies defaults inside optional
// fields, so a partial schema would quietly reset points, visits and lists to their defaults.
export const profilePatchSchema = z
  .object({
    firstName: shape.firstName.optional(),
    lastName: shape.lastName.unwrap().nullable().optional(),
    birthday: shape.birthday.unwrap().nullable().optional(),
    memberSince: shape.memberSince.unwrap().nullable().optional(),
    tier: shape.tier.unwrap().nullable().optional(),
    points: shape.points.unwrap().optional(),
    lastVisitAt: shape.lastVisitAt.unwrap().nullable().optional(),
    visitCount: shape.visitCount.unwrap().optional(),
    purchaseSummary: purchaseSummarySchema.nullable().optional(),
    allergies: shape.allergies.unwrap().optional(),
    preferences: shape.preferences.unwrap().optional(),
    /** Usually `[]`: forgets greetings remembered by mistake, so the rules may greet again everywhere. */
    greetings: rememberedGreetingsSchema.optional(),
    consents: z
      .object({ greetPublic: z.boolean().optional(), personalisedOffers: z.boolean().optional(), tracking: z.boolean().optional() })
      .strict()
      .optional(),
    identifiers: shape.identifiers.optional(),
  })
  .strict();
export type ProfilePatch = z.infer<typeof profilePatchSchema>;

const OPTIONAL_TEXT = ['lastName', 'birthday', 'memberSince', 'tier', 'lastVisitAt'] as const;
const CONSENT_PURPOSES = ['greetPublic', 'personalisedOffers', 'tracking'] as const;

/** Writes the patch's fields (not identifiers: they need the graph) onto a copy of the profile. */
export function applyPatch(current: CentralProfile, patch: ProfilePatch, clock: string): CentralProfile {
  const profile: CentralProfile = structuredClone(current);
  const { fields, clocks } = profile;
  if (patch.firstName !== undefined) lwwSet(clocks, 'firstName', clock, () => (fields.firstName = patch.firstName as string));
  for (const field of OPTIONAL_TEXT) {
    const value = patch[field];
    if (value === undefined) continue;
    lwwSet(clocks, field, clock, () => {
      if (value === null) delete fields[field];
      else fields[field] = value;
    });
  }
  if (patch.points !== undefined) lwwSet(clocks, 'points', clock, () => (fields.points = patch.points as number));
  if (patch.visitCount !== undefined) lwwSet(clocks, 'visitCount', clock, () => (fields.visitCount = patch.visitCount as number));
  if (patch.purchaseSummary !== undefined) {
    const summary = patch.purchaseSummary;
    lwwSet(clocks, 'purchaseSummary', clock, () => {
      if (summary === null) delete fields.purchaseSummary;
      else fields.purchaseSummary = summary;
    });
  }
  if (patch.allergies !== undefined) lwwSet(clocks, 'allergies', clock, () => (fields.allergies = patch.allergies as string[]));
  if (patch.preferences !== undefined) lwwSet(clocks, 'preferences', clock, () => (fields.preferences = patch.preferences as string[]));
  if (patch.greetings !== undefined) {
    const greetings = newestFirst(patch.greetings);
    lwwSet(clocks, 'greetings', clock, () => (fields.greetings = greetings));
  }
  for (const purpose of CONSENT_PURPOSES) {
    const value = patch.consents?.[purpose];
    if (value !== undefined) lwwSet(clocks, `consents.${purpose}`, clock, () => (fields.consents[purpose] = value));
  }
  if (patch.identifiers !== undefined) {
    const identifiers = dedupe(patch.identifiers.map((i) => identifierSchema.parse(i)));
    lwwSet(clocks, 'identifiers', clock, () => (profile.identifiers = identifiers));
  }
  return profile;
}

function dedupe<T extends { kind: string; value: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((item) => {
    const key = `${item.kind}\u0000${item.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

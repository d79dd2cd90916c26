/**
 * Head office's unified profile of one person: the golden record's fields, the clock of
 * the write that set each field, the identifiers, and the home store.
 */
import { profileSchema, type Profile } from '../../protocol/profile';
import type { Identifier } from '../../protocol/identifiers';
import type { FieldClocks, ProfileFields, ProfileRecord } from '../storage/sync-storage';

export interface CentralProfile {
  id: string;
  homeStoreId: string | null;
  fields: ProfileFields;
  clocks: FieldClocks;
  identifiers: Identifier[];
  createdAt: string;
  updatedAt: string;
}

export function fromRecord(record: ProfileRecord, identifiers: Identifier[]): CentralProfile {
  return { ...record, identifiers };
}

export function toRecord(profile: CentralProfile): ProfileRecord {
  const { identifiers: _identifiers, ...record } = profile;
  return record;
}

/** The golden record as stores receive it (protocol/profile.ts). */
export function toGoldenRecord(profile: CentralProfile): Profile {
  return { id: profile.id, ...profile.fields, identifiers: profile.identifiers };
}

/**
 * The golden record if it is one the protocol accepts; a store validates what it pulls,
 * so an invalid one (a profile enrolled with no identifier yet) is held back, not sent.
 */
export function sendableRecord(profile: CentralProfile): { ok: true; profile: Profile } | { ok: false; reason: string } {
  const parsed = profileSchema.safeParse(toGoldenRecord(profile));
  if (parsed.success) return { ok: true, profile: parsed.data as Profile };
  return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'profile'}: ${i.message}`).join('; ') };
}

/** An empty profile to fill: counters at zero, nothing consented. */
export function blankProfile(id: string, at: Date): CentralProfile {
  return {
    id,
    homeStoreId: null,
    fields: {
      firstName: '',
      points: 0,
      visitCount: 0,
      allergies: [],
      preferences: [],
      greetings: [],
      consents: { greetPublic: false, personalisedOffers: false, tracking: false },
    },
    clocks: {},
    identifiers: [],
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
  };
}

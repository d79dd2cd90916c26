/**
 * A validated profile as the profiles table's columns. Pure, so the sync page checker can
 * build rows off the main thread and hand the store only what it writes.
 */
import type { Identifier } from '../../protocol/identifiers';
import type { Profile, RememberedGreeting } from '../../protocol/profile';

/** A validated profile; the care fields and the remembered greetings may be left out. */
export type ProfileRecord = Omit<Profile, 'allergies' | 'preferences' | 'greetings'> & {
  allergies?: string[];
  preferences?: string[];
  greetings?: RememberedGreeting[];
};

/** The profiles columns in statement order (id last, for the UPDATE's WHERE). */
export type ProfileValues = [
  firstName: string, lastName: string | null, birthday: string | null, memberSince: string | null, tier: string | null,
  points: number, lastVisitAt: string | null, visitCount: number, purchaseSummary: string | null, allergies: string | null,
  preferences: string | null, greetPublic: number, personalisedOffers: number, tracking: number, greetings: string | null,
  updatedAt: string, id: string,
];

/** Where the id is in ProfileValues: last. */
export const PROFILE_ID_INDEX = 16;

/** A profile ready to write: its row and its identifiers. */
export interface ProfileWrite {
  values: ProfileValues;
  identifiers: Identifier[];
}

export function profileWrite(profile: ProfileRecord, updatedAt: string): ProfileWrite {
  return {
    values: [
      profile.firstName,
      profile.lastName ?? null,
      profile.birthday ?? null,
      profile.memberSince ?? null,
      profile.tier ?? null,
      profile.points,
      profile.lastVisitAt ?? null,
      profile.visitCount,
      profile.purchaseSummary ? JSON.stringify(profile.purchaseSummary) : null,
      profile.allergies?.length ? JSON.stringify(profile.allergies) : null,
      profile.preferences?.length ? JSON.stringify(profile.preferences) : null,
      profile.consents.greetPublic ? 1 : 0,
      profile.consents.personalisedOffers ? 1 : 0,
      profile.consents.tracking ? 1 : 0,
      profile.greetings?.length ? JSON.stringify(profile.greetings) : null,
      updatedAt,
      profile.id,
    ],
    identifiers: profile.identifiers,
  };
}

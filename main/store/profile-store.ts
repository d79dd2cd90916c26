/**
 * The local profile store: lookup by any identifier on the recognition hot path, and
 * upsert for imports (later, for head-office deltas).
 */
import type { Identifier, IdentifierKind } from '../../protocol/identifiers';
import type { Profile, PurchaseSummary } from '../../protocol/profile';
import type { Db } from './database';

export interface StoredProfile {
  id: string;
  firstName: string;
  lastName: string | null;
  birthday: string | null;
  memberSince: string | null;
  tier: string | null;
  points: number;
  lastVisitAt: string | null;
  /** The visit before lastVisitAt, kept when a new visit starts. */
  previousVisitAt: string | null;
  visitCount: number;
  purchaseSummary: PurchaseSummary | null;
  allergies: string[];
  preferences: string[];
  consents: { greetPublic: boolean; personalisedOffers: boolean; tracking: boolean };
}

interface ProfileRow {
  id: string;
  first_name: string;
  last_name: string | null;
  birthday: string | null;
  member_since: string | null;
  tier: string | null;
  points: number;
  last_visit_at: string | null;
  previous_visit_at: string | null;
  visit_count: number;
  purchase_summary: string | null;
  allergies: string | null;
  preferences: string | null;
  consent_greet_public: number;
  consent_personalised_offers: number;
  consent_tracking: number;
}

const PROFILE_COLUMNS = `p.id, p.first_name, p.last_name, p.birthday, p.member_since, p.tier, p.points,
  p.last_visit_at, p.previous_visit_at, p.visit_count, p.purchase_summary, p.allergies, p.preferences, p.consent_greet_public,
  p.consent_personalised_offers, p.consent_tracking`;

function fromRow(row: ProfileRow): StoredProfile {
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    birthday: row.birthday,
    memberSince: row.member_since,
    tier: row.tier,
    points: row.points,
    lastVisitAt: row.last_visit_at,
    previousVisitAt: row.previous_visit_at,
    visitCount: row.visit_count,
    purchaseSummary: row.purchase_summary ? (JSON.parse(row.purchase_summary) as PurchaseSummary) : null,
    allergies: row.allergies ? (JSON.parse(row.allergies) as string[]) : [],
    preferences: row.preferences ? (JSON.parse(row.preferences) as string[]) : [],
    consents: {
      greetPublic: row.consent_greet_public === 1,
      personalisedOffers: row.consent_personalised_offers === 1,
      tracking: row.consent_tracking === 1,
    },
  };
}

/** A validated profile; the care fields may be left out. */
export type ProfileRecord = Omit<Profile, 'allergies' | 'preferences'> & { allergies?: string[]; preferences?: string[] };

export class IdentifierConflictError extends Error {
  constructor(
    readonly identifier: Identifier,
    readonly ownerId: string,
  ) {
    super(`identifier ${identifier.kind}:${identifier.value} already belongs to profile ${ownerId}`);
  }
}

export class ProfileStore {
  private readonly byIdentifier;
  private readonly byId;
  private readonly ownerOf;
  private readonly upsert;
  private readonly insertIdentifier;
  private readonly deleteIdentifiers;
  private readonly markVisit;
  private readonly count;
  private readonly removeProfile;
  private readonly removeIdentifier;
  private readonly purchase;
  private readonly identifiersOf;

  constructor(private readonly db: Db) {
    this.byIdentifier = db.prepare<[string, string], ProfileRow>(
      `SELECT ${PROFILE_COLUMNS} FROM identifiers i JOIN profiles p ON p.id = i.profile_id WHERE i.kind = ? AND i.value = ?`,
    );
    this.byId = db.prepare<[string], ProfileRow>(`SELECT ${PROFILE_COLUMNS} FROM profiles p WHERE p.id = ?`);
    this.ownerOf = db.prepare<[string, string], { profile_id: string }>(
      'SELECT profile_id FROM identifiers WHERE kind = ? AND value = ?',
    );
    this.upsert = db.prepare(`
      INSERT INTO profiles (id, first_name, last_name, birthday, member_since, tier, points, last_visit_at,
        visit_count, purchase_summary, allergies, preferences, consent_greet_public, consent_personalised_offers,
        consent_tracking, updated_at)
      VALUES (@id, @firstName, @lastName, @birthday, @memberSince, @tier, @points, @lastVisitAt,
        @visitCount, @purchaseSummary, @allergies, @preferences, @greetPublic, @personalisedOffers, @tracking, @updatedAt)
      ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,
        birthday = excluded.birthday, member_since = excluded.member_since, tier = excluded.tier,
        points = excluded.points, last_visit_at = excluded.last_visit_at, visit_count = excluded.visit_count,
        purchase_summary = excluded.purchase_summary, allergies = excluded.allergies,
        preferences = excluded.preferences, consent_greet_public = excluded.consent_greet_public,
        consent_personalised_offers = excluded.consent_personalised_offers,
        consent_tracking = excluded.consent_tracking, updated_at = excluded.updated_at`);
    this.insertIdentifier = db.prepare('INSERT OR IGNORE INTO identifiers (kind, value, profile_id) VALUES (?, ?, ?)');
    this.deleteIdentifiers = db.prepare('DELETE FROM identifiers WHERE profile_id = ?');
    this.markVisit = db.prepare('UPDATE profiles SET previous_visit_at = last_visit_at, last_visit_at = ?, visit_count = visit_count + 1 WHERE id = ?');
    this.count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM profiles');
    this.removeProfile = db.prepare<[string]>('DELETE FROM profiles WHERE id = ?');
    this.removeIdentifier = db.prepare<[string, string]>('DELETE FROM identifiers WHERE kind = ? AND value = ?');
    this.purchase = db.prepare<[string, number, string, string]>(
      'UPDATE profiles SET purchase_summary = ?, points = points + ?, updated_at = ? WHERE id = ?',
    );
    this.identifiersOf = db.prepare<[string], Identifier>('SELECT kind, value FROM identifiers WHERE profile_id = ? ORDER BY kind, value');
  }

  findByIdentifier(kind: IdentifierKind, value: string): StoredProfile | undefined {
    const row = this.byIdentifier.get(kind, value);
    return row ? fromRow(row) : undefined;
  }

  findById(id: string): StoredProfile | undefined {
    const row = this.byId.get(id);
    return row ? fromRow(row) : undefined;
  }

  countProfiles(): number {
    return this.count.get()?.n ?? 0;
  }

  /**
   * Inserts or replaces a profile and its identifier set. An identifier held by another
   * profile is a conflict (a merge is head office's call), so nothing is written.
   * Call inside a transaction when writing many.
   */
  save(profile: ProfileRecord, now: Date = new Date()): void {
    for (const identifier of profile.identifiers) {
      const owner = this.ownerOf.get(identifier.kind, identifier.value);
      if (owner && owner.profile_id !== profile.id) throw new IdentifierConflictError(identifier, owner.profile_id);
    }
    this.upsert.run({
      id: profile.id,
      firstName: profile.firstName,
      lastName: profile.lastName ?? null,
      birthday: profile.birthday ?? null,
      memberSince: profile.memberSince ?? null,
      tier: profile.tier ?? null,
      points: profile.points,
      lastVisitAt: profile.lastVisitAt ?? null,
      visitCount: profile.visitCount,
      purchaseSummary: profile.purchaseSummary ? JSON.stringify(profile.purchaseSummary) : null,
      allergies: profile.allergies?.length ? JSON.stringify(profile.allergies) : null,
      preferences: profile.preferences?.length ? JSON.stringify(profile.preferences) : null,
      greetPublic: profile.consents.greetPublic ? 1 : 0,
      personalisedOffers: profile.consents.personalisedOffers ? 1 : 0,
      tracking: profile.consents.tracking ? 1 : 0,
      updatedAt: now.toISOString(),
    });
    this.deleteIdentifiers.run(profile.id);
    for (const identifier of profile.identifiers) this.insertIdentifier.run(identifier.kind, identifier.value, profile.id);
  }

  /**
   * Head office's version of a profile: it owns the identity graph, so an identifier it
   * gives this profile moves here even if a stale local copy had it elsewhere.
   */
  replaceFromHeadOffice(profile: ProfileRecord, now: Date = new Date()): void {
    for (const identifier of profile.identifiers) {
      const owner = this.ownerOf.get(identifier.kind, identifier.value);
      if (owner && owner.profile_id !== profile.id) this.removeIdentifier.run(identifier.kind, identifier.value);
    }
    this.save(profile, now);
  }

  /** Erased at head office or no longer this store's: the profile and its identifiers go (cascade). */
  delete(profileId: string): boolean {
    return this.removeProfile.run(profileId).changes > 0;
  }

  identifiers(profileId: string): Identifier[] {
    return this.identifiersOf.all(profileId);
  }

  /** Adds one identifier to a profile; a conflict with another owner is refused. False when it was linked already. */
  link(profileId: string, identifier: Identifier): boolean {
    const owner = this.ownerOf.get(identifier.kind, identifier.value);
    if (owner && owner.profile_id !== profileId) throw new IdentifierConflictError(identifier, owner.profile_id);
    return this.insertIdentifier.run(identifier.kind, identifier.value, profileId).changes > 0;
  }

  /** An order at the till: the summary head office will recompute, kept current locally meanwhile. */
  recordPurchase(profileId: string, summary: PurchaseSummary, pointsEarned: number, at: Date): void {
    this.purchase.run(JSON.stringify(summary), pointsEarned, at.toISOString(), profileId);
  }

  /** A new store visit began: the profile's last visit moves to now. */
  recordVisit(profileId: string, at: Date): void {
    this.markVisit.run(at.toISOString(), profileId);
  }
}

/**
 * The local profile store: lookup by any identifier on the recognition hot path, and
 * writes for imports, enrolments and head office's changes.
 */
import type { Identifier, IdentifierKind } from '../../protocol/identifiers';
import type { Profile, PurchaseSummary, RememberedGreeting } from '../../protocol/profile';
import type { Db } from './database';
import { PROFILE_ID_INDEX, profileWrite, type ProfileRecord, type ProfileValues, type ProfileWrite } from './profile-write';

export type { ProfileRecord } from './profile-write';

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
  /** Greetings in any store, as head office merged them (newest first); this store's own are in the ledger. */
  greetings: RememberedGreeting[];
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
  greetings: string | null;
}

const PROFILE_COLUMNS = `p.id, p.first_name, p.last_name, p.birthday, p.member_since, p.tier, p.points,
  p.last_visit_at, p.previous_visit_at, p.visit_count, p.purchase_summary, p.allergies, p.preferences, p.consent_greet_public,
  p.consent_personalised_offers, p.consent_tracking, p.greetings`;

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
    greetings: row.greetings ? (JSON.parse(row.greetings) as RememberedGreeting[]) : [],
  };
}

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
  private readonly current;
  private readonly insertProfile;
  private readonly updateProfile;
  private readonly indexName;
  private readonly reindexName;
  private readonly insertIdentifier;
  private readonly moveIdentifier;
  private readonly addPhoneTail;
  private readonly dropPhoneTail;
  private readonly dropPhoneTailsOf;
  private readonly deleteIdentifiers;
  private readonly markVisit;
  private readonly count;
  private readonly removeProfile;
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
    this.current = db.prepare<[string], { rowid: number; first_name: string; last_name: string | null }>(
      'SELECT rowid, first_name, last_name FROM profiles WHERE id = ?',
    );
    this.insertProfile = db.prepare<ProfileValues>(`
      INSERT INTO profiles (first_name, last_name, birthday, member_since, tier, points, last_visit_at, visit_count,
        purchase_summary, allergies, preferences, consent_greet_public, consent_personalised_offers, consent_tracking,
        greetings, updated_at, id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.updateProfile = db.prepare<ProfileValues>(`
      UPDATE profiles SET first_name = ?, last_name = ?, birthday = ?, member_since = ?, tier = ?, points = ?,
        last_visit_at = ?, visit_count = ?, purchase_summary = ?, allergies = ?, preferences = ?,
        consent_greet_public = ?, consent_personalised_offers = ?, consent_tracking = ?, greetings = ?, updated_at = ?
      WHERE id = ?`);
    this.indexName = db.prepare<[number | bigint, string]>('INSERT INTO profile_names (rowid, names) VALUES (?, ?)');
    this.reindexName = db.prepare<[string, number]>('UPDATE profile_names SET names = ? WHERE rowid = ?');
    this.moveIdentifier = db.prepare<[string, string, string]>('UPDATE identifiers SET profile_id = ? WHERE kind = ? AND value = ?');
    this.insertIdentifier = db.prepare('INSERT OR IGNORE INTO identifiers (kind, value, profile_id) VALUES (?, ?, ?)');
    this.deleteIdentifiers = db.prepare('DELETE FROM identifiers WHERE profile_id = ?');
    this.addPhoneTail = db.prepare<[string, string, string]>('INSERT OR IGNORE INTO phone_tails (tail, profile_id, phone) VALUES (substr(?, -4), ?, ?)');
    this.dropPhoneTail = db.prepare<[string, string]>('DELETE FROM phone_tails WHERE tail = substr(?, -4) AND phone = ?');
    this.dropPhoneTailsOf = db.prepare<[string]>(
      "DELETE FROM phone_tails WHERE (tail, profile_id, phone) IN (SELECT substr(value, -4), profile_id, value FROM identifiers WHERE profile_id = ? AND kind = 'phone')",
    );
    this.markVisit = db.prepare('UPDATE profiles SET previous_visit_at = last_visit_at, last_visit_at = ?, visit_count = visit_count + 1 WHERE id = ?');
    this.count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM profiles');
    this.removeProfile = db.prepare<[string]>('DELETE FROM profiles WHERE id = ?');
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
    this.write(profile, now, false);
  }

  /**
   * Head office's version of a profile: it owns the identity graph, so an identifier it
   * gives this profile moves here even if a stale local copy had it elsewhere.
   */
  replaceFromHeadOffice(profile: ProfileRecord, now: Date = new Date()): void {
    this.writeRow(profileWrite(profile, now.toISOString()), true);
  }

  /** The same, for a row already built from a checked profile (see main/sync/page-check.ts). */
  replaceRowFromHeadOffice(row: ProfileWrite): void {
    this.writeRow(row, true);
  }

  private write(profile: ProfileRecord, now: Date, claim: boolean): void {
    this.writeRow(profileWrite(profile, now.toISOString()), claim);
  }

  /**
   * One profile row, its name in the search index and its identifiers. A new profile (every
   * one of a first sync) has no identifiers to clear and no old name to replace.
   */
  private writeRow({ values, identifiers }: ProfileWrite, claim: boolean): void {
    const id = values[PROFILE_ID_INDEX];
    const names = `${values[0]} ${values[1] ?? ''}`;
    const existing = this.current.get(id);
    if (existing) {
      this.updateProfile.run(...values);
      if (existing.first_name !== values[0] || existing.last_name !== values[1]) this.reindexName.run(names, existing.rowid);
      this.dropIdentifiersOf(id);
    } else {
      this.indexName.run(this.insertProfile.run(...values).lastInsertRowid, names);
    }
    for (const identifier of identifiers) this.putIdentifier(identifier, id, claim);
  }

  /**
   * One identifier row and, for a phone, its search tail (kept here rather than by a
   * trigger, for the reason in migration 015). `claim` moves it from another profile.
   */
  private putIdentifier(identifier: Identifier, profileId: string, claim: boolean): boolean {
    if (this.insertIdentifier.run(identifier.kind, identifier.value, profileId).changes === 0) {
      // Held already. Not INSERT … ON CONFLICT DO UPDATE: an upsert into this table (it has
      // a foreign key) runs in a statement savepoint, which costs the FTS5 flush above.
      const owner = claim ? this.ownerOf.get(identifier.kind, identifier.value) : undefined;
      if (!owner || owner.profile_id === profileId) return false;
      this.moveIdentifier.run(profileId, identifier.kind, identifier.value);
      if (identifier.kind === 'phone') this.dropPhoneTail.run(identifier.value, identifier.value);
    }
    if (identifier.kind === 'phone') this.addPhoneTail.run(identifier.value, profileId, identifier.value);
    return true;
  }

  private dropIdentifiersOf(profileId: string): void {
    this.dropPhoneTailsOf.run(profileId);
    this.deleteIdentifiers.run(profileId);
  }

  /** Erased at head office or no longer this store's: the profile and its identifiers go (cascade). */
  delete(profileId: string): boolean {
    this.dropPhoneTailsOf.run(profileId);
    return this.removeProfile.run(profileId).changes > 0;
  }

  identifiers(profileId: string): Identifier[] {
    return this.identifiersOf.all(profileId);
  }

  /** Adds one identifier to a profile; a conflict with another owner is refused. False when it was linked already. */
  link(profileId: string, identifier: Identifier): boolean {
    const owner = this.ownerOf.get(identifier.kind, identifier.value);
    if (owner && owner.profile_id !== profileId) throw new IdentifierConflictError(identifier, owner.profile_id);
    return this.putIdentifier(identifier, profileId, false);
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

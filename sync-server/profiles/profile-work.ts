/**
 * Profile changes inside one transaction: events applied, admin edits, erasure, store
 * assignments. Each touched profile is loaded once, changed in memory, and at `finish`
 * saved and brought to the stores that should hold it (scope.ts), as change rows in the
 * same transaction. One upload batch of a thousand events about one person therefore
 * writes that person's record once.
 */
import { decodeHlc, encodeHlc, type HybridLogicalClock } from '../clock/hlc';
import type { Logger } from '../../main/log/logger';
import type { Identifier } from '../../protocol/identifiers';
import type { Profile } from '../../protocol/profile';
import type { ChangeRecorder } from '../changes/change-recorder';
import type { IdentifierConflict, StorageOps } from '../storage/sync-storage';
import { applyPatch, type ProfilePatch } from './admin-patch';
import { applyProfileEvent } from './apply-event';
import { blankProfile, fromRecord, sendableRecord, toRecord, type CentralProfile } from './central-profile';
import { encodedEventClock, eventClock } from './event-clock';
import { newestClock } from './field-clocks';
import type { ProfileEvent } from './profile-event';
import { planScopeChanges, storesInScope, visitCutoff, type ScopeConfig } from './scope';

export interface ProfileWorkOptions {
  tx: StorageOps;
  changes: ChangeRecorder;
  hlc: HybridLogicalClock;
  scope: ScopeConfig;
  now: Date;
  log: Logger;
  onIdentifierConflict?: (conflict: IdentifierConflict) => void;
}

/** An uploaded event, stored now for the first time, ready to apply. */
export interface IngestedEvent {
  messageId: string;
  deviceId: string;
  storeId: string;
  seq: number;
  userId: string | null;
  /** Skew-corrected. */
  timestamp: Date;
  fact: ProfileEvent | null;
}

/** An edit refused before anything was written; the HTTP layer answers with `status`. */
export class ProfileEditError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export class ProfileWork {
  /** Profiles loaded in this transaction; null = known not to exist (or erased now). */
  private readonly loaded = new Map<string, CentralProfile | null>();
  /** Profiles to save and re-scope at finish, with whether the golden record changed. */
  private readonly dirty = new Map<string, boolean>();

  constructor(private readonly options: ProfileWorkOptions) {}

  async load(id: string): Promise<CentralProfile | undefined> {
    const cached = this.loaded.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const { tx } = this.options;
    const record = await tx.getProfile(id);
    const profile = record ? fromRecord(record, await tx.identifiersOf(id)) : null;
    this.loaded.set(id, profile);
    return profile ?? undefined;
  }

  /** Applies one newly stored event; events about unknown or erased people change nothing. */
  async applyEvent(event: IngestedEvent): Promise<void> {
    const { tx, hlc } = this.options;
    if (event.userId === null) return;
    const current = await this.load(event.userId);
    // An erased person stays erased: a late enrolment must not bring them back.
    if (!current && (await tx.isErased(event.userId))) return;
    const clock = encodedEventClock(event.timestamp, event.seq, event.deviceId);
    hlc.observe(eventClock(event.timestamp, event.seq, event.deviceId));
    let profile = current;
    if (event.fact) {
      const outcome = applyProfileEvent(current, event.fact, { clock, timestamp: event.timestamp, storeId: event.storeId });
      profile = outcome.profile;
      if (!profile) return;
      if (outcome.created) {
        // Saved at once: identifiers and visits below refer to it.
        await tx.saveProfile(toRecord(profile));
      }
      this.loaded.set(profile.id, profile);
      if (outcome.changed) this.markDirty(profile.id, true);
      if (outcome.addIdentifier) await this.linkIdentifier(profile, outcome.addIdentifier, event);
      if (event.fact.type === 'linked' && event.fact.anonymousId !== null) {
        if (!(await tx.linkAlias(event.fact.anonymousId, profile.id, event.timestamp.toISOString()))) {
          this.options.log.warn({ profileId: profile.id, messageId: event.messageId }, 'anonymous id already joined to another profile');
        }
      }
    }
    if (!profile) return;
    // Any event about a person in a store means they were there: the store now holds them.
    await tx.recordStoreVisit(event.storeId, profile.id, event.timestamp.toISOString());
    this.markDirty(profile.id, false);
  }

  /** An admin edit; creates the profile when it does not exist (it then needs a name and an identifier). */
  async edit(id: string, patch: ProfilePatch): Promise<{ created: boolean; profile: Profile }> {
    const { tx, hlc, now } = this.options;
    const current = await this.load(id);
    if (!current && (patch.firstName === undefined || patch.identifiers === undefined)) {
      throw new ProfileEditError(400, 'a new profile needs at least firstName and identifiers');
    }
    const base = current ?? blankProfile(id, now);
    const newest = newestClock(base.clocks);
    if (newest !== undefined) hlc.observe(decodeHlc(newest));
    const profile = applyPatch(base, patch, encodeHlc(hlc.now()));
    const sendable = sendableRecord(profile);
    if (!sendable.ok) throw new ProfileEditError(400, `the edited profile would be invalid: ${sendable.reason}`);
    if (patch.identifiers !== undefined) {
      for (const identifier of profile.identifiers) {
        const owner = await tx.identifierOwner(identifier);
        if (owner !== undefined && owner !== id) {
          throw new ProfileEditError(409, `identifier ${identifier.kind}:${identifier.value} belongs to profile ${owner}`);
        }
      }
    }
    profile.updatedAt = now.toISOString();
    await tx.saveProfile(toRecord(profile));
    if (!current) await tx.clearErased(id); // an admin re-creating an erased id means it
    if (patch.identifiers !== undefined) await this.replaceIdentifiers(id, current?.identifiers ?? [], profile.identifiers);
    this.loaded.set(id, profile);
    this.markDirty(id, true);
    return { created: !current, profile: sendable.profile };
  }

  /**
   * Erasure: the profile, its identifiers and the personal data of its events go; a
   * tombstone goes to every store that held it; the id is remembered so that a late
   * event cannot bring the person back.
   */
  async erase(id: string): Promise<{ tombstones: string[] } | undefined> {
    const { tx, changes, now } = this.options;
    if (!(await this.load(id))) return undefined;
    const holders = await tx.holdersOf('profiles', id);
    await tx.scrubEventsOf(id); // before the aliases go, to find the anonymous history
    await tx.deleteProfile(id);
    await tx.markErased(id, now.toISOString());
    for (const store of holders) await changes.tombstone(store, 'profiles', id);
    this.loaded.set(id, null);
    this.dirty.delete(id);
    return { tombstones: holders };
  }

  /** Assigns the profile to a store (as its home store if `home`); false when there is no such profile. */
  async assign(storeId: string, profileId: string, home: boolean): Promise<boolean> {
    const profile = await this.load(profileId);
    if (!profile) return false;
    await this.options.tx.assignProfile(storeId, profileId, this.options.now.toISOString());
    if (home) profile.homeStoreId = storeId;
    this.markDirty(profileId, false);
    return true;
  }

  /** Undoes an assignment (and the home store, if it was that store). */
  async unassign(storeId: string, profileId: string): Promise<boolean> {
    const profile = await this.load(profileId);
    if (!profile) return false;
    const wasAssigned = await this.options.tx.unassignProfile(storeId, profileId);
    const wasHome = profile.homeStoreId === storeId;
    if (wasHome) profile.homeStoreId = null;
    this.markDirty(profileId, false);
    return wasAssigned || wasHome;
  }

  /** Brings these profiles' stores in line with their scope facts (a store joined their home region, say). */
  async rescope(ids: Iterable<string>): Promise<void> {
    for (const id of ids) if (await this.load(id)) this.markDirty(id, false);
  }

  /** Forgets visits older than the scope window; their stores lose the profile unless held for another reason. */
  async expireVisits(): Promise<number> {
    const { tx, now, scope } = this.options;
    const profiles = await tx.expireVisitsBefore(visitCutoff(now, scope).toISOString());
    for (const id of profiles) if (await this.load(id)) this.markDirty(id, false);
    return profiles.length;
  }

  /** Which stores hold the profile now (live upserts in the change log). */
  async holders(id: string): Promise<string[]> {
    return this.options.tx.holdersOf('profiles', id);
  }

  /** Saves the touched profiles and writes the change rows that bring the stores in line. */
  async finish(): Promise<void> {
    const { tx, now } = this.options;
    for (const [id, recordChanged] of this.dirty) {
      const profile = this.loaded.get(id);
      if (!profile) continue;
      profile.updatedAt = now.toISOString();
      await tx.saveProfile(toRecord(profile));
      await this.reconcile(profile, recordChanged);
    }
    this.dirty.clear();
  }

  private async reconcile(profile: CentralProfile, recordChanged: boolean): Promise<void> {
    const { tx, changes, now, scope, log } = this.options;
    const inScope = storesInScope(await tx.scopeFacts(profile.id, scope.homeRegion === true), now, scope);
    const plan = planScopeChanges(inScope, await tx.holdersOf('profiles', profile.id), recordChanged);
    if (plan.upsert.length) {
      const sendable = sendableRecord(profile);
      if (sendable.ok) {
        for (const store of plan.upsert) await changes.upsert(store, 'profiles', profile.id, sendable.profile);
      } else {
        // Typically enrolled without any identifier yet: it goes down once it has one.
        log.info({ profileId: profile.id, reason: sendable.reason }, 'profile held back from stores until it is valid');
      }
    }
    for (const store of plan.tombstone) await changes.tombstone(store, 'profiles', profile.id);
  }

  private async linkIdentifier(profile: CentralProfile, identifier: Identifier, event: IngestedEvent): Promise<void> {
    const { tx, log, now } = this.options;
    const owner = await tx.identifierOwner(identifier);
    if (owner === profile.id) return;
    if (owner !== undefined) {
      // Two people claim one card or phone: recorded for the merge work, never merged here.
      const conflict: IdentifierConflict = {
        kind: identifier.kind, value: identifier.value, ownerProfileId: owner, claimantProfileId: profile.id,
        messageId: event.messageId, deviceId: event.deviceId, storeId: event.storeId, recordedAt: now.toISOString(),
      };
      await tx.recordIdentifierConflict(conflict);
      this.options.onIdentifierConflict?.(conflict);
      log.warn({ kind: identifier.kind, owner, claimant: profile.id, messageId: event.messageId }, 'identifier conflict recorded');
      return;
    }
    await tx.addIdentifier(profile.id, identifier);
    profile.identifiers.push(identifier);
    this.markDirty(profile.id, true);
  }

  private async replaceIdentifiers(id: string, before: Identifier[], after: Identifier[]): Promise<void> {
    const { tx } = this.options;
    const key = (i: Identifier): string => `${i.kind}\u0000${i.value}`;
    const keep = new Set(after.map(key));
    const had = new Set(before.map(key));
    for (const identifier of before) if (!keep.has(key(identifier))) await tx.removeIdentifier(id, identifier);
    for (const identifier of after) if (!had.has(key(identifier))) await tx.addIdentifier(id, identifier);
  }

  private markDirty(id: string, recordChanged: boolean): void {
    this.dirty.set(id, recordChanged || (this.dirty.get(id) ?? false));
  }
}


/**
 * Everything the sync logic asks of its database, and nothing about how it is stored.
 *
 * The methods return promises even though the SQLite backend answers synchronously, so a
 * PostgreSQL backend can implement the same interface later without touching the sync,
 * pairing or profile code. Work that must land together runs in `transaction`, against
 * the `tx` it is given: inside a transaction, never call the outer storage (the SQLite
 * backend serialises access, so that would wait for itself).
 */
import type { Collection } from '../../protocol/sync';
import type { Profile } from '../../protocol/profile';
import type { Identifier } from '../../protocol/identifiers';
import type { TrackEvent } from '../../protocol/events';

/**
 * The change log's "every store" marker. A string rather than NULL because NULLs are
 * distinct in a SQLite UNIQUE constraint, which would let (all, collection, key) repeat.
 */
export const ALL_STORES = '*';

export interface StoreRecord {
  id: string;
  name: string;
  region: string | null;
  createdAt: string;
}

export interface DeviceRecord {
  id: string;
  storeId: string;
  /** What the admin called it when adding it. */
  name: string;
  /** What the device called itself when pairing. */
  reportedName: string | null;
  appVersion: string | null;
  /** sha256 (hex) of the device credential; null until paired. */
  credentialHash: string | null;
  createdAt: string;
  pairedAt: string | null;
  revokedAt: string | null;
  lastSeenAt: string | null;
  /** The last cursor the device said it had applied (from its pulls). */
  lastCursor: number | null;
  eventsReceived: number;
}

export interface PairingCodeRecord {
  codeHash: string;
  deviceId: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

/** A profile's own fields: the protocol's profile without its id and identifiers. */
export type ProfileFields = Omit<Profile, 'id' | 'identifiers'>;

/** Field path ("firstName", "consents.tracking") → encoded HLC of the write that set it. */
export type FieldClocks = Record<string, string>;

export interface ProfileRecord {
  id: string;
  homeStoreId: string | null;
  fields: ProfileFields;
  clocks: FieldClocks;
  createdAt: string;
  updatedAt: string;
}

/** Why stores may hold a profile; the scope rule (profiles/scope.ts) decides from these. */
export interface ScopeFacts {
  homeStoreId: string | null;
  /** Every store in the home store's region, the home store included; none when it has no region. */
  homeRegionStoreIds: string[];
  assignedStoreIds: string[];
  visits: Array<{ storeId: string; lastVisitAt: string }>;
}

export interface IdentifierConflict {
  kind: string;
  value: string;
  ownerProfileId: string;
  claimantProfileId: string;
  messageId: string | null;
  deviceId: string | null;
  storeId: string | null;
  recordedAt: string;
}

export interface NewChange {
  /** A store id, or ALL_STORES. */
  storeId: string;
  collection: Collection;
  key: string;
  op: 'upsert' | 'delete';
  /** The upsert's payload; ignored for a delete. */
  data?: unknown;
}

export interface ChangeRecord {
  version: number;
  storeId: string;
  collection: Collection;
  key: string;
  op: 'upsert' | 'delete';
  /** The upsert's data as stored: JSON text, sent to devices without being parsed here. */
  dataJson: string | null;
}

export interface ChangeQuery {
  storeId: string;
  /** Changes strictly after this version. */
  after: number;
  collection?: Collection;
}

export interface StoredEvent {
  messageId: string;
  deviceId: string;
  storeId: string;
  seq: number;
  event: string;
  userId: string | null;
  anonymousId: string | null;
  originalTimestamp: string;
  sentAt: string | null;
  receivedAt: string;
  /** originalTimestamp corrected for the device's clock skew. */
  timestamp: string;
  /** The event as received; null once the person it was about has been erased. */
  payload: TrackEvent | null;
}

export interface StorageOps {
  // ---- Stores ---------------------------------------------------------------------------
  /** False when a store with that id exists already. */
  createStore(store: StoreRecord): Promise<boolean>;
  getStore(id: string): Promise<StoreRecord | undefined>;
  listStores(): Promise<StoreRecord[]>;

  // ---- Devices and pairing ----------------------------------------------------------------
  createDevice(device: { id: string; storeId: string; name: string; createdAt: string }): Promise<void>;
  getDevice(id: string): Promise<DeviceRecord | undefined>;
  listDevices(): Promise<DeviceRecord[]>;
  completePairing(pairing: { deviceId: string; credentialHash: string; reportedName: string | null; appVersion: string | null; pairedAt: string }): Promise<void>;
  /** False when the device is unknown or revoked already. */
  revokeDevice(id: string, at: string): Promise<boolean>;
  markDeviceSeen(id: string, at: string, appVersion?: string): Promise<void>;
  recordDeviceCursor(id: string, cursor: number, at: string): Promise<void>;
  addEventsReceived(id: string, count: number, at: string): Promise<void>;
  /** False when the hash is taken by a live code already (the caller draws another). */
  createPairingCode(code: PairingCodeRecord): Promise<boolean>;
  getPairingCode(codeHash: string): Promise<PairingCodeRecord | undefined>;
  /** Marks the code used; false when it was used already (a racing second attempt). */
  consumePairingCode(codeHash: string, at: string): Promise<boolean>;

  // ---- Profiles and the identifier graph --------------------------------------------------
  getProfile(id: string): Promise<ProfileRecord | undefined>;
  saveProfile(profile: ProfileRecord): Promise<void>;
  /** Deletes the profile with its identifiers, aliases, assignments, visits and conflicts. */
  deleteProfile(id: string): Promise<void>;
  markErased(id: string, at: string): Promise<void>;
  clearErased(id: string): Promise<void>;
  isErased(id: string): Promise<boolean>;
  identifiersOf(profileId: string): Promise<Identifier[]>;
  identifierOwner(identifier: Identifier): Promise<string | undefined>;
  addIdentifier(profileId: string, identifier: Identifier): Promise<void>;
  removeIdentifier(profileId: string, identifier: Identifier): Promise<void>;
  recordIdentifierConflict(conflict: IdentifierConflict): Promise<void>;
  identifierConflictsOf(profileId: string): Promise<IdentifierConflict[]>;
  /** Joins an anonymous id's history to a profile; false when it belongs to another one. */
  linkAlias(anonymousId: string, profileId: string, at: string): Promise<boolean>;
  aliasesOf(profileId: string): Promise<string[]>;

  // ---- Scope: which stores hold which profiles ----------------------------------------------
  assignProfile(storeId: string, profileId: string, at: string): Promise<void>;
  /** False when it was not assigned. */
  unassignProfile(storeId: string, profileId: string): Promise<boolean>;
  /** Keeps the latest visit per (store, profile). */
  recordStoreVisit(storeId: string, profileId: string, at: string): Promise<void>;
  /** `withHomeRegion` false leaves homeRegionStoreIds empty: a reconcile with scope.homeRegion off does not ask for them. */
  scopeFacts(profileId: string, withHomeRegion?: boolean): Promise<ScopeFacts>;
  /** Ids of the profiles whose home store is in the region, in id order, after `afterId`: a page of at most `limit`. */
  profilesHomedInRegion(region: string, afterId: string, limit: number): Promise<string[]>;
  /** The regions stores are in. */
  regionsInUse(): Promise<string[]>;
  /** Queues the region's profiles to be brought in line, from the start (again, if under way). */
  requestRegionRescope(region: string, at: string): Promise<void>;
  /** Regions queued, oldest request first. */
  pendingRegionRescopes(): Promise<string[]>;
  /** How far the region's rescope got (the last profile id done, '' for none); undefined when none is queued. */
  regionRescopeProgress(region: string): Promise<string | undefined>;
  advanceRegionRescope(region: string, afterId: string): Promise<void>;
  finishRegionRescope(region: string): Promise<void>;
  getSetting(key: string): Promise<string | undefined>;
  putSetting(key: string, value: string): Promise<void>;
  /** Profiles with a visit older than the cutoff; the visits themselves are deleted. */
  expireVisitsBefore(cutoff: string): Promise<string[]>;

  // ---- The change log ------------------------------------------------------------------------
  /** Replaces any earlier change of (store, collection, key) with this one; returns its version. */
  putChange(change: NewChange): Promise<number>;
  /** Stores that currently hold a live upsert of this key (not counting ALL_STORES rows). */
  holdersOf(collection: Collection, key: string): Promise<string[]>;
  /** The store's changes and ALL_STORES changes after `after`, in version order. */
  changesSince(query: ChangeQuery, limit: number): Promise<ChangeRecord[]>;
  countChangesSince(query: ChangeQuery): Promise<number>;
  /**
   * Profile tombstones of the store after `after` whose profile was erased: a store file
   * older than one still holds a person who asked to be forgotten.
   */
  countErasuresSince(storeId: string, after: number): Promise<number>;
  /** The newest version in the whole change log (0 when empty). */
  maxVersion(): Promise<number>;
  /** The highest version per store id (ALL_STORES included as its own entry). */
  latestVersions(): Promise<Record<string, number>>;
  /** Live keys of the store's view of a collection, with the sum of their versions. */
  checksum(storeId: string, collection: Collection): Promise<{ count: number; versionSum: number; upTo: number }>;

  // ---- Events ------------------------------------------------------------------------------------
  /** INSERT OR IGNORE by messageId: true when stored now, false when it was stored before. */
  insertEvent(event: StoredEvent): Promise<boolean>;
  getEvent(messageId: string): Promise<StoredEvent | undefined>;
  /** The profile's events and its aliases' anonymous events, newest first. */
  timeline(profileId: string, limit: number): Promise<StoredEvent[]>;
  /** Erasure: drops payload and ids of every event about the profile, keeping only the dedup key. */
  scrubEventsOf(profileId: string): Promise<number>;
  /**
   * insertEvent for each, in order, in one call (an upload's worth): for each, true when
   * stored now, false when stored before, earlier in the list included.
   */
  insertEvents(events: readonly StoredEvent[]): Promise<boolean[]>;
}

export interface SyncStorage extends StorageOps {
  /** Runs `work` atomically: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: StorageOps) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

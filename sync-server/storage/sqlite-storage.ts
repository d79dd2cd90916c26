/**
 * SyncStorage on one better-sqlite3 connection. The statements run synchronously (the
 * fastest way to use SQLite from Node); a mutex serialises callers so a transaction that
 * awaits between statements is never interleaved with anyone else's.
 *
 * The connection stays on the server's thread on purpose. Moving it to a worker thread
 * (every call a message, same mutex) was built and measured with bench/sync-upload.ts on
 * 2026-11-30: uploads got slower (one device 42k → 32–37k events/s, the server's CPU per
 * event 24 → 30–38 µs). Copying each upload's rows between threads cost about as much as
 * the inserts saved, and a group's calls went back and forth between the threads, so that
 * neither thread was ever busy (about 65% each).
 */
import type { Statement } from 'better-sqlite3';
import type { Collection } from '../../protocol/sync';
import type { Identifier } from '../../protocol/identifiers';
import type { TrackEvent } from '../../protocol/events';
import { openSyncDatabase, type Db } from './database';
import { Mutex } from './mutex';
import {
  ALL_STORES,
  type ChangeQuery,
  type ChangeRecord,
  type DeviceRecord,
  type IdentifierConflict,
  type NewChange,
  type PairingCodeRecord,
  type ProfileRecord,
  type ScopeFacts,
  type StorageOps,
  type StoredEvent,
  type StoreRecord,
  type SyncStorage,
} from './sync-storage';

/** The synchronous shape of StorageOps, which the SQLite statements implement directly. */
type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : never;
};

interface DeviceRow {
  id: string;
  store_id: string;
  name: string;
  reported_name: string | null;
  app_version: string | null;
  credential_hash: string | null;
  created_at: string;
  paired_at: string | null;
  revoked_at: string | null;
  last_seen_at: string | null;
  last_cursor: number | null;
  events_received: number;
}

interface ChangeRow {
  version: number;
  store_id: string;
  collection: string;
  key: string;
  op: string;
  data: string | null;
}

interface EventRow {
  message_id: string;
  device_id: string;
  store_id: string;
  seq: number;
  event: string;
  user_id: string | null;
  anonymous_id: string | null;
  original_timestamp: string;
  sent_at: string | null;
  received_at: string;
  timestamp: string;
  payload: string | null;
}

interface ConflictRow {
  kind: string;
  value: string;
  owner_profile_id: string;
  claimant_profile_id: string;
  message_id: string | null;
  device_id: string | null;
  store_id: string | null;
  recorded_at: string;
}

const toDevice = (row: DeviceRow): DeviceRecord => ({
  id: row.id,
  storeId: row.store_id,
  name: row.name,
  reportedName: row.reported_name,
  appVersion: row.app_version,
  credentialHash: row.credential_hash,
  createdAt: row.created_at,
  pairedAt: row.paired_at,
  revokedAt: row.revoked_at,
  lastSeenAt: row.last_seen_at,
  lastCursor: row.last_cursor,
  eventsReceived: row.events_received,
});

const toChange = (row: ChangeRow): ChangeRecord => ({
  version: row.version,
  storeId: row.store_id,
  collection: row.collection as Collection,
  key: row.key,
  op: row.op === 'delete' ? 'delete' : 'upsert',
  dataJson: row.data,
});

const toEvent = (row: EventRow): StoredEvent => ({
  messageId: row.message_id,
  deviceId: row.device_id,
  storeId: row.store_id,
  seq: row.seq,
  event: row.event,
  userId: row.user_id,
  anonymousId: row.anonymous_id,
  originalTimestamp: row.original_timestamp,
  sentAt: row.sent_at,
  receivedAt: row.received_at,
  timestamp: row.timestamp,
  payload: row.payload === null ? null : (JSON.parse(row.payload) as TrackEvent),
});

const toConflict = (row: ConflictRow): IdentifierConflict => ({
  kind: row.kind,
  value: row.value,
  ownerProfileId: row.owner_profile_id,
  claimantProfileId: row.claimant_profile_id,
  messageId: row.message_id,
  deviceId: row.device_id,
  storeId: row.store_id,
  recordedAt: row.recorded_at,
});

const EVENT_COLUMNS =
  'message_id, device_id, store_id, seq, event, user_id, anonymous_id, original_timestamp, sent_at, received_at, timestamp, payload';
const MAX_CACHED_ANONYMOUS_KEYS = 100_000;

/** The keys of a profile's aliases (its anonymous history), for `IN (…)`; takes the profile id. */
const ALIAS_KEYS =
  'SELECT k.key FROM profile_aliases a JOIN anonymous_ids k ON k.anonymous_id = a.anonymous_id WHERE a.profile_id = ?';
const CHANGE_COLUMNS = 'version, store_id, collection, key, op, data';

class SqliteStatements implements Synchronous<StorageOps> {
  constructor(private readonly db: Db) {}

  // Statements are prepared on first use and kept: better-sqlite3 re-preparing is the slow part.
  private readonly cache = new Map<string, Statement<unknown[]>>();
  private sql(text: string): Statement<unknown[]> {
    let statement = this.cache.get(text);
    if (!statement) {
      statement = this.db.prepare<unknown[]>(text);
      this.cache.set(text, statement);
    }
    return statement;
  }

  // ---- Stores ---------------------------------------------------------------------------

  createStore(store: StoreRecord): boolean {
    const result = this.sql('INSERT OR IGNORE INTO stores (id, name, region, created_at) VALUES (?, ?, ?, ?)').run(
      store.id, store.name, store.region, store.createdAt,
    );
    return result.changes === 1;
  }

  getStore(id: string): StoreRecord | undefined {
    const row = this.sql('SELECT id, name, region, created_at AS createdAt FROM stores WHERE id = ?').get(id);
    return row as StoreRecord | undefined;
  }

  listStores(): StoreRecord[] {
    return this.sql('SELECT id, name, region, created_at AS createdAt FROM stores ORDER BY id').all() as StoreRecord[];
  }

  // ---- Devices and pairing ----------------------------------------------------------------

  createDevice(device: { id: string; storeId: string; name: string; createdAt: string }): void {
    this.sql('INSERT INTO devices (id, store_id, name, created_at) VALUES (?, ?, ?, ?)').run(device.id, device.storeId, device.name, device.createdAt);
  }

  getDevice(id: string): DeviceRecord | undefined {
    const row = this.sql('SELECT * FROM devices WHERE id = ?').get(id) as DeviceRow | undefined;
    return row ? toDevice(row) : undefined;
  }

  listDevices(): DeviceRecord[] {
    return (this.sql('SELECT * FROM devices ORDER BY store_id, created_at, id').all() as DeviceRow[]).map(toDevice);
  }

  completePairing(pairing: { deviceId: string; credentialHash: string; reportedName: string | null; appVersion: string | null; pairedAt: string }): void {
    this.sql(
      'UPDATE devices SET credential_hash = ?, reported_name = ?, app_version = ?, paired_at = ?, last_seen_at = ? WHERE id = ?',
    ).run(pairing.credentialHash, pairing.reportedName, pairing.appVersion, pairing.pairedAt, pairing.pairedAt, pairing.deviceId);
  }

  revokeDevice(id: string, at: string): boolean {
    // A revoked device keeps its row (for the audit trail) but loses its credential hash.
    const result = this.sql('UPDATE devices SET revoked_at = ?, credential_hash = NULL WHERE id = ? AND revoked_at IS NULL').run(at, id);
    // Any code still waiting for the device is void too.
    this.sql('UPDATE pairing_codes SET used_at = ? WHERE device_id = ? AND used_at IS NULL').run(at, id);
    return result.changes === 1;
  }

  markDeviceSeen(id: string, at: string, appVersion?: string): void {
    this.sql('UPDATE devices SET last_seen_at = ?, app_version = coalesce(?, app_version) WHERE id = ?').run(at, appVersion ?? null, id);
  }

  recordDeviceCursor(id: string, cursor: number, at: string): void {
    this.sql('UPDATE devices SET last_cursor = ?, last_seen_at = ? WHERE id = ?').run(cursor, at, id);
  }

  addEventsReceived(id: string, count: number, at: string): void {
    this.sql('UPDATE devices SET events_received = events_received + ?, last_seen_at = ? WHERE id = ?').run(count, at, id);
  }

  createPairingCode(code: PairingCodeRecord): boolean {
    const result = this.sql(
      'INSERT OR IGNORE INTO pairing_codes (code_hash, device_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?)',
    ).run(code.codeHash, code.deviceId, code.createdAt, code.expiresAt, code.usedAt);
    return result.changes === 1;
  }

  getPairingCode(codeHash: string): PairingCodeRecord | undefined {
    return this.sql(
      'SELECT code_hash AS codeHash, device_id AS deviceId, created_at AS createdAt, expires_at AS expiresAt, used_at AS usedAt FROM pairing_codes WHERE code_hash = ?',
    ).get(codeHash) as PairingCodeRecord | undefined;
  }

  consumePairingCode(codeHash: string, at: string): boolean {
    return this.sql('UPDATE pairing_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL').run(at, codeHash).changes === 1;
  }

  // ---- Profiles and the identifier graph --------------------------------------------------

  getProfile(id: string): ProfileRecord | undefined {
    const row = this.sql('SELECT id, home_store_id, fields, clocks, created_at, updated_at FROM profiles WHERE id = ?').get(id) as
      | { id: string; home_store_id: string | null; fields: string; clocks: string; created_at: string; updated_at: string }
      | undefined;
    if (!row) return undefined;
    return {
      id: row.id,
      homeStoreId: row.home_store_id,
      fields: JSON.parse(row.fields) as ProfileRecord['fields'],
      clocks: JSON.parse(row.clocks) as ProfileRecord['clocks'],
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  saveProfile(profile: ProfileRecord): void {
    this.sql(
      `INSERT INTO profiles (id, home_store_id, fields, clocks, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET home_store_id = excluded.home_store_id, fields = excluded.fields,
         clocks = excluded.clocks, updated_at = excluded.updated_at`,
    ).run(profile.id, profile.homeStoreId, JSON.stringify(profile.fields), JSON.stringify(profile.clocks), profile.createdAt, profile.updatedAt);
  }

  deleteProfile(id: string): void {
    // Identifiers, aliases, assignments and visits go by ON DELETE CASCADE.
    this.sql('DELETE FROM identifier_conflicts WHERE owner_profile_id = ? OR claimant_profile_id = ?').run(id, id);
    this.sql('DELETE FROM profiles WHERE id = ?').run(id);
  }

  markErased(id: string, at: string): void {
    this.sql('INSERT OR REPLACE INTO erased_profiles (id, erased_at) VALUES (?, ?)').run(id, at);
  }

  clearErased(id: string): void {
    this.sql('DELETE FROM erased_profiles WHERE id = ?').run(id);
  }

  isErased(id: string): boolean {
    return this.sql('SELECT 1 FROM erased_profiles WHERE id = ?').get(id) !== undefined;
  }

  identifiersOf(profileId: string): Identifier[] {
    return this.sql('SELECT kind, value FROM identifiers WHERE profile_id = ? ORDER BY kind, value').all(profileId) as Identifier[];
  }

  identifierOwner(identifier: Identifier): string | undefined {
    const row = this.sql('SELECT profile_id AS profileId FROM identifiers WHERE kind = ? AND value = ?').get(identifier.kind, identifier.value) as
      | { profileId: string }
      | undefined;
    return row?.profileId;
  }

  addIdentifier(profileId: string, identifier: Identifier): void {
    this.sql('INSERT INTO identifiers (kind, value, profile_id) VALUES (?, ?, ?)').run(identifier.kind, identifier.value, profileId);
  }

  removeIdentifier(profileId: string, identifier: Identifier): void {
    this.sql('DELETE FROM identifiers WHERE kind = ? AND value = ? AND profile_id = ?').run(identifier.kind, identifier.value, profileId);
  }

  recordIdentifierConflict(conflict: IdentifierConflict): void {
    this.sql(
      `INSERT INTO identifier_conflicts (kind, value, owner_profile_id, claimant_profile_id, message_id, device_id, store_id, recorded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      conflict.kind, conflict.value, conflict.ownerProfileId, conflict.claimantProfileId,
      conflict.messageId, conflict.deviceId, conflict.storeId, conflict.recordedAt,
    );
  }

  identifierConflictsOf(profileId: string): IdentifierConflict[] {
    return (
      this.sql('SELECT * FROM identifier_conflicts WHERE owner_profile_id = ? OR claimant_profile_id = ? ORDER BY id').all(profileId, profileId) as ConflictRow[]
    ).map(toConflict);
  }

  linkAlias(anonymousId: string, profileId: string, at: string): boolean {
    this.sql('INSERT OR IGNORE INTO profile_aliases (anonymous_id, profile_id, linked_at) VALUES (?, ?, ?)').run(anonymousId, profileId, at);
    const owner = this.sql('SELECT profile_id AS profileId FROM profile_aliases WHERE anonymous_id = ?').get(anonymousId) as { profileId: string } | undefined;
    return owner?.profileId === profileId;
  }

  aliasesOf(profileId: string): string[] {
    return (this.sql('SELECT anonymous_id AS id FROM profile_aliases WHERE profile_id = ? ORDER BY anonymous_id').all(profileId) as Array<{ id: string }>).map(
      (row) => row.id,
    );
  }

  // ---- Scope --------------------------------------------------------------------------------

  assignProfile(storeId: string, profileId: string, at: string): void {
    this.sql('INSERT OR IGNORE INTO store_assignments (store_id, profile_id, assigned_at) VALUES (?, ?, ?)').run(storeId, profileId, at);
  }

  unassignProfile(storeId: string, profileId: string): boolean {
    return this.sql('DELETE FROM store_assignments WHERE store_id = ? AND profile_id = ?').run(storeId, profileId).changes === 1;
  }

  recordStoreVisit(storeId: string, profileId: string, at: string): void {
    this.sql(
      `INSERT INTO store_visits (profile_id, store_id, last_visit_at) VALUES (?, ?, ?)
       ON CONFLICT (profile_id, store_id) DO UPDATE SET last_visit_at = max(last_visit_at, excluded.last_visit_at)`,
    ).run(profileId, storeId, at);
  }

  scopeFacts(profileId: string, withHomeRegion = true): ScopeFacts {
    const home = this.sql('SELECT home_store_id AS homeStoreId FROM profiles WHERE id = ?').get(profileId) as { homeStoreId: string | null } | undefined;
    const assigned = this.sql('SELECT store_id AS storeId FROM store_assignments WHERE profile_id = ? ORDER BY store_id').all(profileId) as Array<{
      storeId: string;
    }>;
    const visits = this.sql(
      'SELECT store_id AS storeId, last_visit_at AS lastVisitAt FROM store_visits WHERE profile_id = ? ORDER BY store_id',
    ).all(profileId) as ScopeFacts['visits'];
    const region = home?.homeStoreId && withHomeRegion
      ? (this.sql(
          'SELECT store.id AS storeId FROM stores home JOIN stores store ON store.region = home.region WHERE home.id = ? ORDER BY store.id',
        ).all(home.homeStoreId) as Array<{ storeId: string }>)
      : [];
    return {
      homeStoreId: home?.homeStoreId ?? null,
      homeRegionStoreIds: region.map((row) => row.storeId),
      assignedStoreIds: assigned.map((row) => row.storeId),
      visits,
    };
  }

  profilesHomedInRegion(region: string, afterId: string, limit: number): string[] {
    return this.sql(
      'SELECT profile.id FROM profiles profile JOIN stores home ON home.id = profile.home_store_id WHERE home.region = ? AND profile.id > ? ORDER BY profile.id LIMIT ?',
    )
      .pluck()
      .all(region, afterId, limit) as string[];
  }

  regionsInUse(): string[] {
    return this.sql('SELECT DISTINCT region FROM stores WHERE region IS NOT NULL ORDER BY region').pluck().all() as string[];
  }

  requestRegionRescope(region: string, at: string): void {
    this.sql(
      "INSERT INTO region_rescopes (region, after_id, requested_at) VALUES (?, '', ?) ON CONFLICT(region) DO UPDATE SET after_id = '', requested_at = excluded.requested_at",
    ).run(region, at);
  }

  pendingRegionRescopes(): string[] {
    return this.sql('SELECT region FROM region_rescopes ORDER BY requested_at, region').pluck().all() as string[];
  }

  regionRescopeProgress(region: string): string | undefined {
    return this.sql('SELECT after_id FROM region_rescopes WHERE region = ?').pluck().get(region) as string | undefined;
  }

  advanceRegionRescope(region: string, afterId: string): void {
    this.sql('UPDATE region_rescopes SET after_id = ? WHERE region = ?').run(afterId, region);
  }

  finishRegionRescope(region: string): void {
    this.sql('DELETE FROM region_rescopes WHERE region = ?').run(region);
  }

  getSetting(key: string): string | undefined {
    return this.sql('SELECT value FROM server_settings WHERE key = ?').pluck().get(key) as string | undefined;
  }

  putSetting(key: string, value: string): void {
    this.sql('INSERT INTO server_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  expireVisitsBefore(cutoff: string): string[] {
    const rows = this.sql('SELECT DISTINCT profile_id AS profileId FROM store_visits WHERE last_visit_at < ?').all(cutoff) as Array<{ profileId: string }>;
    this.sql('DELETE FROM store_visits WHERE last_visit_at < ?').run(cutoff);
    return rows.map((row) => row.profileId);
  }

  // ---- The change log ------------------------------------------------------------------------

  putChange(change: NewChange): number {
    // Delete then insert rather than update in place: the row must get a new, higher
    // version so devices past the old one still see it, and the old version disappears.
    this.sql('DELETE FROM changes WHERE store_id = ? AND collection = ? AND key = ?').run(change.storeId, change.collection, change.key);
    const data = change.op === 'upsert' ? JSON.stringify(change.data ?? null) : null;
    const result = this.sql('INSERT INTO changes (store_id, collection, key, op, data) VALUES (?, ?, ?, ?, ?)').run(
      change.storeId, change.collection, change.key, change.op, data,
    );
    return Number(result.lastInsertRowid);
  }

  holdersOf(collection: Collection, key: string): string[] {
    const rows = this.sql("SELECT store_id AS storeId FROM changes WHERE collection = ? AND key = ? AND op = 'upsert' AND store_id <> ? ORDER BY store_id").all(
      collection, key, ALL_STORES,
    ) as Array<{ storeId: string }>;
    return rows.map((row) => row.storeId);
  }

  changesSince(query: ChangeQuery, limit: number): ChangeRecord[] {
    // The store's rows and the all-stores rows, each read in index order and merged here.
    // One query (`store_id IN (…)`, or a UNION ALL of the two) made SQLite sort each page
    // through a temporary B-tree, data included: most of a page's read time.
    const read = (storeId: string): ChangeRow[] =>
      (query.collection
        ? this.sql(`SELECT ${CHANGE_COLUMNS} FROM changes WHERE store_id = ? AND collection = ? AND version > ? ORDER BY store_id, collection, version LIMIT ?`).all(
            storeId, query.collection, query.after, limit,
          )
        : this.sql(`SELECT ${CHANGE_COLUMNS} FROM changes WHERE store_id = ? AND version > ? ORDER BY store_id, version LIMIT ?`).all(storeId, query.after, limit)) as ChangeRow[];
    const own = read(query.storeId);
    const shared = read(ALL_STORES);
    const rows: ChangeRow[] = [];
    let i = 0;
    let j = 0;
    while (rows.length < limit && (i < own.length || j < shared.length)) {
      rows.push(j >= shared.length || (i < own.length && own[i]!.version < shared[j]!.version) ? own[i++]! : shared[j++]!);
    }
    return rows.map(toChange);
  }

  countErasuresSince(storeId: string, after: number): number {
    const row = this.sql(
      `SELECT count(*) AS n FROM changes JOIN erased_profiles ON erased_profiles.id = changes.key
       WHERE changes.store_id = ? AND changes.collection = 'profiles' AND changes.version > ? AND changes.op = 'delete'`,
    ).get(storeId, after);
    return (row as { n: number }).n;
  }

  countChangesSince(query: ChangeQuery): number {
    const row = query.collection
      ? this.sql(
          `SELECT (SELECT count(*) FROM changes WHERE store_id = ? AND collection = ? AND version > ?)
                + (SELECT count(*) FROM changes WHERE store_id = ? AND collection = ? AND version > ?) AS n`,
        ).get(query.storeId, query.collection, query.after, ALL_STORES, query.collection, query.after)
      : this.sql(
          `SELECT (SELECT count(*) FROM changes WHERE store_id = ? AND version > ?)
                + (SELECT count(*) FROM changes WHERE store_id = ? AND version > ?) AS n`,
        ).get(query.storeId, query.after, ALL_STORES, query.after);
    return (row as { n: number }).n;
  }

  maxVersion(): number {
    return (this.sql('SELECT coalesce(max(version), 0) AS version FROM changes').get() as { version: number }).version;
  }

  latestVersions(): Record<string, number> {
    const rows = this.sql('SELECT store_id AS storeId, max(version) AS version FROM changes GROUP BY store_id').all() as Array<{ storeId: string; version: number }>;
    return Object.fromEntries(rows.map((row) => [row.storeId, row.version]));
  }

  checksum(storeId: string, collection: Collection): { count: number; versionSum: number; upTo: number } {
    // One statement, so the sums and the version they cover are of the same moment.
    const row = this.sql(
      `SELECT count(*) FILTER (WHERE op = 'upsert') AS count, coalesce(sum(version) FILTER (WHERE op = 'upsert'), 0) AS versionSum,
              coalesce(max(version), 0) AS upTo
       FROM changes WHERE store_id IN (?, ?) AND collection = ?`,
    ).get(storeId, ALL_STORES, collection) as { count: number; versionSum: number; upTo: number };
    return { count: row.count, versionSum: row.versionSum, upTo: row.upTo };
  }

  // ---- Events ------------------------------------------------------------------------------------

  insertEvent(event: StoredEvent): boolean {
    return this.insertEvents([event])[0]!;
  }

  getEvent(messageId: string): StoredEvent | undefined {
    const row = this.sql(`SELECT ${EVENT_COLUMNS} FROM events WHERE message_id = ?`).get(messageId) as EventRow | undefined;
    return row ? toEvent(row) : undefined;
  }

  timeline(profileId: string, limit: number): StoredEvent[] {
    const rows = this.sql(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE user_id = ?
       UNION
       SELECT ${EVENT_COLUMNS} FROM events WHERE anonymous_key IN (${ALIAS_KEYS})
       ORDER BY timestamp DESC, message_id LIMIT ?`,
    ).all(profileId, profileId, limit) as EventRow[];
    return rows.map(toEvent);
  }

  scrubEventsOf(profileId: string): number {
    const result = this.sql(
      `UPDATE events SET payload = NULL, user_id = NULL, anonymous_id = NULL, anonymous_key = NULL
       WHERE user_id = ? OR anonymous_key IN (${ALIAS_KEYS})`,
    ).run(profileId, profileId);
    // The beacon ids themselves go too; a later sighting of one gets a new key.
    this.sql('DELETE FROM anonymous_ids WHERE anonymous_id IN (SELECT anonymous_id FROM profile_aliases WHERE profile_id = ?)').run(profileId);
    this.forgetAnonymousKeys();
    return result.changes;
  }

  insertEvents(events: readonly StoredEvent[]): boolean[] {
    const insert = this.sql(`INSERT OR IGNORE INTO events (${EVENT_COLUMNS}, anonymous_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    return events.map((event) => {
      const anonymous = event.anonymousId === null ? null : this.anonymousKey(event.anonymousId);
      const stored =
        insert.run(
          event.messageId, event.deviceId, event.storeId, event.seq, event.event, event.userId, event.anonymousId,
          event.originalTimestamp, event.sentAt, event.receivedAt, event.timestamp,
          event.payload === null ? null : JSON.stringify(event.payload),
          anonymous?.key ?? null,
        ).changes === 1;
      // A replay stores nothing, so it must not leave a beacon id behind either (one erased
      // with its person, say, whose device re-sends an event it never had acknowledged).
      if (!stored && anonymous?.created) this.dropAnonymousKey(event.anonymousId!, anonymous.key);
      return stored;
    });
  }

  /**
   * Anonymous id → key, for the ids met since the last rollback. Probing the index for each
   * uploaded event cost about 1.7 µs of head office's thread per event (CPU profile of
   * bench/sync-upload.ts); the map, a small fraction of that.
   */
  private readonly anonymousKeys = new Map<string, number>();

  /** The anonymous id's key (migrations/005-anonymous-keys.ts), given on first sight. */
  private anonymousKey(anonymousId: string): { key: number; created: boolean } {
    const cached = this.anonymousKeys.get(anonymousId);
    if (cached !== undefined) return { key: cached, created: false };
    const found = this.sql('SELECT key FROM anonymous_ids WHERE anonymous_id = ?').pluck().get(anonymousId) as number | undefined;
    const key = found ?? Number(this.sql('INSERT INTO anonymous_ids (anonymous_id) VALUES (?)').run(anonymousId).lastInsertRowid);
    // Bounded the simple way: a full map starts over (the index still has every key).
    if (this.anonymousKeys.size >= MAX_CACHED_ANONYMOUS_KEYS) this.anonymousKeys.clear();
    this.anonymousKeys.set(anonymousId, key);
    return { key, created: found === undefined };
  }

  private dropAnonymousKey(anonymousId: string, key: number): void {
    this.sql('DELETE FROM anonymous_ids WHERE key = ?').run(key);
    this.anonymousKeys.delete(anonymousId);
  }

  /**
   * A rolled-back transaction takes the keys it gave with it, and SQLite would give their
   * numbers again to other ids: the map must not keep them. Erasure drops keys too. Not a
   * storage operation (PRIVATE_METHODS); openSqliteStorage calls it after a rollback.
   */
  forgetAnonymousKeys(): void {
    this.anonymousKeys.clear();
  }
}

/**
 * Opens (creating and migrating) the database file, ':memory:' for a throwaway one, and
 * answers SyncStorage from it.
 */
export function openSqliteStorage(file: string): SyncStorage {
  const db = openSyncDatabase(file);
  const statements = new SqliteStatements(db);
  const mutex = new Mutex();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new Error('sync storage is closed');
  };
  // Outside a transaction each call waits its turn; inside one the transaction holds the
  // turn already, so its calls run at once (as settled promises).
  const outside = storageOps(statements, (work) => mutex.run(() => (ensureOpen(), work())));
  const inside = storageOps(statements, settled);

  const transaction = <T>(work: (tx: StorageOps) => Promise<T>): Promise<T> =>
    mutex.run(async () => {
      ensureOpen();
      // IMMEDIATE takes the write lock up front, so the transaction cannot fail half-way
      // on a lock upgrade when another process (a backup, the sqlite3 shell) reads the file.
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await work(inside);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        // First: whatever the rollback does, the keys this transaction gave are not to be kept.
        statements.forgetAnonymousKeys();
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    });

  const close = (): Promise<void> =>
    mutex.run(() => {
      if (closed) return;
      closed = true;
      db.close();
    });

  return new Proxy(outside as SyncStorage, {
    get(target, name, receiver) {
      if (name === 'transaction') return transaction;
      if (name === 'close') return close;
      return Reflect.get(target, name, receiver);
    },
  });
}

/** Wraps each synchronous statement method as its StorageOps counterpart, run through `run`. */
function storageOps(statements: SqliteStatements, run: <T>(work: () => T) => Promise<T>): StorageOps {
  const methods = statements as unknown as Record<string, unknown>;
  return new Proxy({} as StorageOps, {
    get(_target, name) {
      if (typeof name !== 'string' || !STORAGE_METHODS.has(name)) return undefined;
      const method = methods[name] as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => run(() => method.apply(statements, args));
    },
  });
}

/**
 * The public methods, so `then`, `sql` or a typo are undefined rather than callable (and
 * the object is never mistaken for a promise).
 */
const PRIVATE_METHODS = new Set(['constructor', 'sql', 'anonymousKey', 'dropAnonymousKey', 'forgetAnonymousKeys']);
const STORAGE_METHODS = new Set(Object.getOwnPropertyNames(SqliteStatements.prototype).filter((name) => !PRIVATE_METHODS.has(name)));

/** Runs a synchronous statement as an already-settled promise. */
function settled<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

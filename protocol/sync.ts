/**
 * The store ↔ head-office sync contract: pairing over HTTP, then one Socket.IO
 * connection per device that carries both directions.
 *
 * Down: every change at head office gets a server-assigned, monotonic `version`. A device
 * pulls the changes for its store after its cursor; an empty cursor (0) is the snapshot,
 * paged like any pull. The server keeps at most one change per (store, collection, key),
 * so a snapshot never replays history. Deletions are tombstones. The device stores its
 * cursor in the same SQLite transaction that applies the batch, so the cursor is the
 * guarantee; a `sync.poke` is only a hint to pull now.
 *
 * Up: outbox events in batches; the server stores each `messageId` once and acknowledges
 * only what is durably stored, so a replay after a crash is a no-op.
 */
import { z } from 'zod';
import { trackEventSchema } from './events';
import { playlistSchema } from './bridge';
import { productSchema } from './kiosk';
import { profileSchema } from './profile';

export const SYNC_NAMESPACE = '/device';

/** What a store holds, one collection each. */
export const COLLECTIONS = ['profiles', 'rules', 'playlists', 'catalogue'] as const;
export const collectionSchema = z.enum(COLLECTIONS);
export type Collection = z.infer<typeof collectionSchema>;

/** The payload of an upsert, per collection. Rules are the whole rule set under key "default". */
export const collectionDataSchemas = {
  profiles: profileSchema,
  rules: z.record(z.string(), z.unknown()),
  playlists: playlistSchema,
  catalogue: z.array(productSchema).min(1, 'a catalogue has at least one product'),
} as const;

export const changeSchema = z.discriminatedUnion('op', [
  z.object({ version: z.number().int().positive(), collection: collectionSchema, key: z.string().min(1).max(128), op: z.literal('upsert'), data: z.unknown() }),
  z.object({ version: z.number().int().positive(), collection: collectionSchema, key: z.string().min(1).max(128), op: z.literal('delete') }),
]);
export type Change = z.infer<typeof changeSchema>;

// ---- Pairing (HTTP) -------------------------------------------------------------------

export const pairRequestSchema = z.object({
  code: z.string().regex(/^[A-Z0-9]{8}$/, 'a pairing code is 8 letters and digits'),
  /** What the device calls itself, for the admin's device list. */
  deviceName: z.string().min(1).max(80).optional(),
  appVersion: z.string().max(40).optional(),
});
export type PairRequest = z.infer<typeof pairRequestSchema>;

export interface PairResponse {
  deviceId: string;
  storeId: string;
  /** The device's own long-lived secret; the server keeps only a hash of it. */
  credential: string;
}

// ---- Store file (HTTP) ----------------------------------------------------------------

/**
 * A first sync of a big store, without writing a million rows one by one: head office
 * keeps, per store, the SQLite file a device would hold after pulling every change up to
 * some version, built by the agent's own code (migrations and ChangeApplier). A fresh
 * device (cursor 0, no profiles) downloads it, takes its synced tables whole, and pulls
 * the changes after its version as usual. Optional: a 404 or 409 means "pull pages".
 *
 * GET, with the device's credential in the headers below (the same check as the Socket.IO
 * handshake), so a device can only ever fetch its own store's file.
 */
export const STORE_FILE_PATH = '/sync/store-file';

export const storeFileQuerySchema = z.object({
  /** The device's store schema (its SQLite user_version): a file of another schema is refused (409). */
  schema: z.coerce.number().int().positive(),
});

export const STORE_FILE_HEADERS = {
  /** Request: the device id. The credential goes in `authorization: Bearer <credential>`. */
  deviceId: 'x-device-id',
  /** Response: the cursor the file covers; the device pulls changes after it. */
  version: 'x-store-file-version',
  /** Response: the file's schema (its user_version). */
  schema: 'x-store-file-schema',
  /** Response: sha256 of the file, hex; the device checks it before taking anything from the file. */
  sha256: 'x-store-file-sha256',
  /** Response: how many profiles the file holds, for the progress shown while it downloads. */
  profiles: 'x-store-file-profiles',
} as const;

// ---- Socket.IO ------------------------------------------------------------------------

/** Sent in the Socket.IO handshake's `auth`; unknown or revoked credentials are refused there. */
export const deviceAuthSchema = z.object({
  deviceId: z.string().min(1).max(64),
  credential: z.string().min(32).max(128),
  appVersion: z.string().max(40).optional(),
});
export type DeviceAuth = z.infer<typeof deviceAuthSchema>;

export const MAX_PULL_LIMIT = 5000;
export const MAX_UPLOAD_BATCH = 1000;

export const pullRequestSchema = z.object({
  /**
   * Continue after this version; 0 for a snapshot. A device catching up asks for the next
   * page as soon as one lands, so this is the last version it has received: its durable,
   * applied cursor may trail it by the pages it holds (at most a few).
   */
  cursor: z.number().int().nonnegative(),
  limit: z.number().int().positive().max(MAX_PULL_LIMIT).default(1000),
  /**
   * Re-download one collection only (after a checksum mismatch), from cursor 0. The answer's
   * cursor and remaining then cover that collection only: the device must not store that
   * cursor as its own, and the server does not count it as the device's progress.
   */
  collection: collectionSchema.optional(),
});
export type PullRequest = z.input<typeof pullRequestSchema>;

export interface PullResponse {
  /**
   * The changes, in version order, as UTF-8 JSON: an array of Change (read it with
   * decodeChanges, then check each one with changeSchema). Bytes rather than objects so head
   * office can splice each stored change in as it is: parsing it only for Socket.IO to
   * encode it again was most of what serving a snapshot cost.
   */
  changesJson: Uint8Array;
  /** The version to store as the cursor once these changes are applied. */
  cursor: number;
  hasMore: boolean;
  /**
   * Changes for this store still ahead of `cursor`, for a progress bar on first sync:
   * counted at the first page of a pass and carried forward, so it may overestimate when
   * rows are rewritten meanwhile; 0 exactly when `hasMore` is false.
   */
  remaining: number;
}

/** The array in a PullResponse's changesJson; its items are unchecked (changeSchema does that). */
export function decodeChanges(bytes: Uint8Array | ArrayBuffer): unknown[] {
  const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
  if (!Array.isArray(value)) throw new Error('changesJson is not a JSON array');
  return value;
}

export const checksumRequestSchema = z.object({ collection: collectionSchema });

/**
 * A collection's fingerprint: how many live keys the store holds and the sum of their
 * versions. A device that applied every change computes the same numbers locally.
 */
export interface CollectionChecksum {
  collection: Collection;
  count: number;
  versionSum: number;
  /**
   * The newest version of this store's changes in the collection, tombstones included: the
   * sums cover the changes up to it. A device whose cursor is behind it has not pulled them
   * all yet (its own upload's visit, say), so a mismatch would not mean divergence.
   */
  upTo: number;
}

export const uploadedEventSchema = z.object({
  /** The device's own sequence number (its outbox row), for ordering and gap detection. */
  seq: z.number().int().positive(),
  event: trackEventSchema,
});
export type UploadedEvent = z.infer<typeof uploadedEventSchema>;

export const uploadRequestSchema = z.object({
  events: z.array(z.unknown()).min(1).max(MAX_UPLOAD_BATCH),
});

export interface UploadResponse {
  /** Durably stored (now or by an earlier upload): the device may mark these sent. */
  acked: string[];
  /** Refused for good, with the reason; the device keeps them aside and does not retry. */
  rejected: Array<{ messageId: string | null; reason: string }>;
}

/** A failed request's answer, so every ack has one shape. */
export interface SyncError {
  error: string;
}

export interface ClientToServerEvents {
  'sync.pull': (request: PullRequest, ack: (response: PullResponse | SyncError) => void) => void;
  'sync.checksum': (request: { collection: Collection }, ack: (response: CollectionChecksum | SyncError) => void) => void;
  'outbox.upload': (request: { events: UploadedEvent[] }, ack: (response: UploadResponse | SyncError) => void) => void;
}

export interface ServerToClientEvents {
  /** Something for this store changed at `version`: pull from your cursor. */
  'sync.poke': (hint: { version: number }) => void;
  /** The device was revoked; the connection closes after this. */
  'device.revoked': () => void;
}

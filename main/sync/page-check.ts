/**
 * Checks a page of head office's changes: decodes it, validates every change with the
 * protocol's schemas and turns each valid profile into the row the store writes. Pure and
 * free of SQLite, so it can run on a worker thread (page-check-worker.ts) while the main
 * thread writes the previous page: on a first sync of a big store, parsing and validating
 * were a third of the agent's time per profile.
 */
import { changeSchema, decodeChanges, type Change } from '../../protocol/sync';
import { validateProfileRow } from '../store/profile-import';
import type { IdentifierKind } from '../../protocol/identifiers';
import { profileWrite, type ProfileValues, type ProfileWrite } from '../store/profile-write';

export type CheckedChange =
  /** A valid profile upsert, ready to write. */
  | { kind: 'profile'; version: number; key: string; profile: ProfileWrite }
  /** A valid change of any other kind (a deletion, rules, a playlist, the catalogue): its data is checked where it is applied. */
  | { kind: 'change'; change: Change }
  /** Refused: counted and logged by the applier, never written. */
  | { kind: 'invalid'; key: string; reason: string };

export function checkChange(raw: unknown, updatedAt: string): CheckedChange {
  const parsed = changeSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'invalid', key: keyOf(raw), reason: `malformed change: ${parsed.error.message.slice(0, 300)}` };
  const change = parsed.data;
  if (change.op !== 'upsert' || change.collection !== 'profiles') return { kind: 'change', change };
  const valid = validateProfileRow(change.data);
  if (!valid.ok) return { kind: 'invalid', key: change.key, reason: `invalid profile: ${valid.message}` };
  if (valid.profile.id !== change.key) return { kind: 'invalid', key: change.key, reason: 'invalid profile: id does not match key' };
  return { kind: 'profile', version: change.version, key: change.key, profile: profileWrite(valid.profile, updatedAt) };
}

/** A whole page (PullResponse.changesJson); throws only when the page itself is unreadable. */
export function checkPage(bytes: Uint8Array, updatedAt: string = new Date().toISOString()): CheckedChange[] {
  return decodeChanges(bytes).map((raw) => checkChange(raw, updatedAt));
}

/** The version of a checked change, if it has one (a malformed change may not). */
export function versionOfChecked(checked: CheckedChange): number | undefined {
  if (checked.kind === 'profile') return checked.version;
  if (checked.kind === 'change') return checked.change.version;
  return undefined;
}

/**
 * Checked changes as one flat array of strings and numbers, for the trip from the worker:
 * a structured clone of a page of small objects cost the writing thread 4–6 µs a profile to
 * rebuild, the same values flat 1.5–2.4 µs. Layout per change, by its first element:
 * 0 (profile): version, key, the 17 ProfileValues, n, then n × (kind, value);
 * 1 (change): the Change object; 2 (invalid): key, reason.
 */
export type PackedChanges = unknown[];

const PROFILE = 0;
const CHANGE = 1;
const INVALID = 2;
const VALUES = 17;

export function packChecked(checked: readonly CheckedChange[]): PackedChanges {
  const packed: unknown[] = [];
  for (const c of checked) {
    if (c.kind === 'profile') {
      packed.push(PROFILE, c.version, c.key, ...c.profile.values, c.profile.identifiers.length);
      for (const identifier of c.profile.identifiers) packed.push(identifier.kind, identifier.value);
    } else if (c.kind === 'change') {
      packed.push(CHANGE, c.change);
    } else {
      packed.push(INVALID, c.key, c.reason);
    }
  }
  return packed;
}

export function unpackChecked(packed: PackedChanges): CheckedChange[] {
  const checked: CheckedChange[] = [];
  let at = 0;
  while (at < packed.length) {
    const tag = packed[at++];
    if (tag === PROFILE) {
      const version = packed[at++] as number;
      const key = packed[at++] as string;
      const values = packed.slice(at, at + VALUES) as ProfileValues;
      at += VALUES;
      const count = packed[at++] as number;
      const identifiers = new Array<{ kind: IdentifierKind; value: string }>(count);
      for (let i = 0; i < count; i++, at += 2) identifiers[i] = { kind: packed[at] as IdentifierKind, value: packed[at + 1] as string };
      checked.push({ kind: 'profile', version, key, profile: { values, identifiers } });
    } else if (tag === CHANGE) {
      checked.push({ kind: 'change', change: packed[at++] as Change });
    } else if (tag === INVALID) {
      checked.push({ kind: 'invalid', key: packed[at++] as string, reason: packed[at++] as string });
    } else {
      throw new Error(`packed sync page: unknown tag ${String(tag)} at ${at - 1}`);
    }
  }
  return checked;
}

function keyOf(raw: unknown): string {
  const key = (raw as { key?: unknown } | undefined)?.key;
  return typeof key === 'string' ? key.slice(0, 128) : '';
}

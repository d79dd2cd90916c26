/**
 * Checks a page of head office's changes: decodes it, validates every change with the
 * protocol's schemas and turns each valid profile into the row the store writes. Pure and
 * free of SQLite, so it can run on a worker thread (page-check-worker.ts) while the main
 * thread writes the previous page: on a first sync of a big store, parsing and validating
 * were a third of the agent's time per profile.
 */
import { changeSchema, decodeChanges, type Change } from '../../protocol/sync';
import { validateProfileRow } from '../store/profile-import';
import { profileWrite, type ProfileWrite } from '../store/profile-write';

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

function keyOf(raw: unknown): string {
  const key = (raw as { key?: unknown } | undefined)?.key;
  return typeof key === 'string' ? key.slice(0, 128) : '';
}

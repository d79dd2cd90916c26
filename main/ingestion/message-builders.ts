/**
 * Constructors for GatewayMessage values. Sightings are always built with every key
 * present (undefined when absent) so that V8 sees one object shape on the hot path.
 */
import type { GatewayMessage, NotParsed, RejectReason, Sighting } from './sighting';

export function rejected(reason: RejectReason, detail: string): NotParsed {
  return { kind: 'rejected', reason, detail };
}

/** Ignored reasons are fixed strings, so callers keep them as frozen constants and allocate nothing. */
export function ignored(reason: string): NotParsed {
  return Object.freeze({ kind: 'ignored', reason });
}

export function sightingMessage(
  beaconId: string,
  room: string,
  source: Sighting['source'],
  distance: number | undefined,
  rssi: number | undefined,
  rssiAt1m: number | undefined,
  at: number,
): GatewayMessage {
  return { kind: 'sighting', sighting: { beaconId, room, source, distance, rssi, rssiAt1m, at } };
}

/** Topics can be up to 64 KiB; a reject detail ends up in logs and status, so keep it short. */
export function clip(text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

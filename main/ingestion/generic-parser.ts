/**
 * The generic format, Home Assistant's mqtt_room shape: `<prefix>/<room>` with at least
 * `{"id": "<device id>", "distance": <metres>}`. Lets any scanner we have no parser for
 * feed the agent, so it is strict about distance (the one thing the format promises).
 */
import { normalizeBeaconId } from './beacon-id';
import { isJsonObject, isUsableRoom } from './field-checks';
import { clip, rejected } from './message-builders';
import { buildSighting, type SignalKeys } from './sighting-fields';
import type { GatewayMessage, NotParsed } from './sighting';

export interface GenericRoomTopic {
  kind: 'room';
  room: string;
}

const KEYS: SignalKeys = { rssiAt1m: 'rssi@1m', requireDistance: true };

/** `levels` are the topic levels after the configured prefix. */
export function matchGenericTopic(levels: readonly string[]): GenericRoomTopic | NotParsed {
  const room = levels[0];
  if (levels.length !== 1 || !isUsableRoom(room)) {
    return rejected('unknown-topic', `generic presence topics are <prefix>/<room>, got ${clip(levels.join('/'))}`);
  }
  return { kind: 'room', room };
}

export function parseGenericSighting(room: string, payload: unknown, at: number): GatewayMessage {
  if (!isJsonObject(payload)) return rejected('invalid-fields', 'presence payload is not a JSON object');
  const id = payload.id;
  if (typeof id !== 'string') return rejected('invalid-fields', 'id is missing or not a string');
  const beaconId = normalizeBeaconId(id);
  if (beaconId === null) return rejected('unknown-id', `unusable device id ${JSON.stringify(clip(id, 80))}`);
  return buildSighting(payload, beaconId, room, 'generic', KEYS, at);
}

/**
 * ESPresense nodes: `<prefix>/devices/<deviceId>/<room>` carries one sighting. Everything
 * else under the prefix (room status, telemetry, settings, per-device sub-reports such as
 * battery) is the node talking about itself, not a sighting.
 */
import { normalizeEspresenseId } from './beacon-id';
import { isJsonObject, isUsableRoom } from './field-checks';
import { clip, ignored, rejected } from './message-builders';
import { buildSighting, type SignalKeys } from './sighting-fields';
import type { GatewayMessage, NotParsed } from './sighting';

export interface EspresenseDeviceTopic {
  kind: 'device';
  deviceId: string;
  room: string;
}

const ROOM_TRAFFIC = ignored('ESPresense room status, telemetry or settings');
const SUB_REPORT = ignored('ESPresense device sub-report (battery, button, sensor)');
const NODE_TRAFFIC = ignored('ESPresense node traffic that is not a device report');
const KEYS: SignalKeys = { rssiAt1m: 'rssi@1m', requireDistance: false };

/** `levels` are the topic levels after the configured prefix. */
export function matchEspresenseTopic(levels: readonly string[]): EspresenseDeviceTopic | NotParsed {
  const area = levels[0];
  if (area === 'rooms') return ROOM_TRAFFIC;
  if (area !== 'devices') return NODE_TRAFFIC;
  if (levels.length > 3) return SUB_REPORT;
  const deviceId = levels[1];
  const room = levels[2];
  if (deviceId === undefined || deviceId.length === 0 || !isUsableRoom(room)) {
    return rejected('unknown-topic', `ESPresense device topics are devices/<id>/<room>, got devices/${clip(levels.slice(1).join('/'))}`);
  }
  return { kind: 'device', deviceId, room };
}

/** Firmware v3 and v4 payloads share the fields we need: id, rssi, rssi@1m, distance. */
export function parseEspresenseSighting(deviceId: string, room: string, payload: unknown, at: number): GatewayMessage {
  if (!isJsonObject(payload)) return rejected('invalid-fields', 'ESPresense payload is not a JSON object');
  // The payload id reflects aliases set on the node; the topic id is the fallback.
  const payloadId = payload.id;
  const beaconId =
    (typeof payloadId === 'string' ? normalizeEspresenseId(payloadId) : null) ?? normalizeEspresenseId(deviceId);
  if (beaconId === null) {
    const shown = typeof payloadId === 'string' ? payloadId : deviceId;
    return rejected('unknown-id', `unusable ESPresense id ${JSON.stringify(clip(shown, 80))}`);
  }
  return buildSighting(payload, beaconId, room, 'espresense', KEYS, at);
}

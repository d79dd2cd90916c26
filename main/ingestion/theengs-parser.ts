/**
 * OpenMQTTGateway and Theengs Gateway: `<prefix>/<gateway>/BTtoMQTT/<id>`. The gateway's
 * name is its room. Both also republish sightings on presence topics and report on
 * themselves (SYStoMQTT, LWT); reading those too would count every sighting twice.
 */
import { eddystoneId, ibeaconId, macId } from './beacon-id';
import { isJsonObject, isUsableRoom, type JsonObject } from './field-checks';
import { clip, ignored, rejected } from './message-builders';
import { buildSighting, type SignalKeys } from './sighting-fields';
import type { GatewayMessage, NotParsed } from './sighting';

export interface TheengsDeviceTopic {
  kind: 'device';
  gateway: string;
  /** The id level of the topic: the MAC without colons (or an iBeacon uuid on some OMG builds). */
  topicId: string;
}

const BLE_LEVEL = 'BTtoMQTT';
const PRESENCE = ignored('gateway presence topic (republishes sightings)');
const GATEWAY_TRAFFIC = ignored('gateway system, LWT or non-BLE traffic');
const KEYS: SignalKeys = { rssiAt1m: 'txpower', requireDistance: false };

/** `levels` are the topic levels after the configured prefix. */
export function matchTheengsTopic(levels: readonly string[]): TheengsDeviceTopic | NotParsed {
  if (levels[0] === 'presence' || levels[1] === 'presence') return PRESENCE;
  if (levels.length !== 3 || levels[1] !== BLE_LEVEL) return GATEWAY_TRAFFIC;
  const gateway = levels[0];
  const topicId = levels[2];
  if (!isUsableRoom(gateway) || topicId === undefined || topicId.length === 0) {
    return rejected('unknown-topic', `gateway topics are <gateway>/BTtoMQTT/<id>, got ${clip(levels.join('/'))}`);
  }
  return { kind: 'device', gateway, topicId };
}

function isDecimalField(value: unknown): value is number | string {
  return typeof value === 'number' || typeof value === 'string';
}

/** Beacon identity first (it survives MAC rotation), the MAC only for plain BLE devices. */
function beaconIdOf(payload: JsonObject, topicId: string): string | NotParsed {
  const { uuid, major, minor } = payload;
  if (payload.model_id === 'IBEACON' || (uuid !== undefined && major !== undefined && minor !== undefined)) {
    const id =
      typeof uuid === 'string' && isDecimalField(major) && isDecimalField(minor) ? ibeaconId(uuid, major, minor) : null;
    return id ?? rejected('unknown-id', 'iBeacon report without a usable uuid, major and minor');
  }
  const { namespace, instance } = payload;
  if (namespace !== undefined || instance !== undefined) {
    const id = typeof namespace === 'string' && typeof instance === 'string' ? eddystoneId(namespace, instance) : null;
    return id ?? rejected('unknown-id', 'Eddystone report without a usable namespace and instance');
  }
  const mac = payload.id;
  if (mac !== undefined && typeof mac !== 'string') return rejected('invalid-fields', 'id must be a MAC address string');
  const id = macId(mac ?? topicId);
  return id ?? rejected('unknown-id', `unusable MAC ${JSON.stringify(clip(mac ?? topicId, 80))}`);
}

export function parseTheengsSighting(gateway: string, topicId: string, payload: unknown, at: number): GatewayMessage {
  if (!isJsonObject(payload)) return rejected('invalid-fields', 'gateway payload is not a JSON object');
  const beaconId = beaconIdOf(payload, topicId);
  if (typeof beaconId !== 'string') return beaconId;
  return buildSighting(payload, beaconId, gateway, 'theengs', KEYS, at);
}

/**
 * The signal part of a sighting (distance, RSSI, calibrated power), read the same way for
 * every gateway so that "a usable reading" means one thing across formats.
 */
import { RSSI_MAX, RSSI_MIN, readNumber, type JsonObject } from './field-checks';
import { rejected, sightingMessage } from './message-builders';
import type { GatewayMessage, Sighting } from './sighting';

export interface SignalKeys {
  /** Key of the calibrated 1 m power: ESPresense "rssi@1m", iBeacon "txpower". */
  rssiAt1m: string;
  /** The generic (mqtt_room) format is defined by its distance; the others may send RSSI only. */
  requireDistance: boolean;
}

export function buildSighting(
  payload: JsonObject,
  beaconId: string,
  room: string,
  source: Sighting['source'],
  keys: SignalKeys,
  at: number,
): GatewayMessage {
  const distance = readNumber(payload, 'distance', 0, Number.MAX_VALUE);
  if (distance === null) return rejected('invalid-fields', 'distance must be a finite number of metres, 0 or more');
  const rssi = readNumber(payload, 'rssi', RSSI_MIN, RSSI_MAX);
  if (rssi === null) return rejected('invalid-fields', `rssi must be a number of dBm in ${RSSI_MIN}..${RSSI_MAX}`);
  const rssiAt1m = readNumber(payload, keys.rssiAt1m, RSSI_MIN, RSSI_MAX);
  if (rssiAt1m === null) {
    return rejected('invalid-fields', `${keys.rssiAt1m} must be a number of dBm in ${RSSI_MIN}..${RSSI_MAX}`);
  }
  if (distance === undefined) {
    if (keys.requireDistance) return rejected('invalid-fields', 'distance is missing');
    if (rssi === undefined) return rejected('invalid-fields', 'neither distance nor rssi is present');
  }
  return sightingMessage(beaconId, room, source, distance, rssi, rssiAt1m, at);
}

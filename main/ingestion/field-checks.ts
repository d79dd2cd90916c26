/**
 * Plain checks for decoded gateway payloads. Hand-written rather than a zod schema
 * because they run 50,000 times a second and only ever read a handful of keys.
 */

export type JsonObject = Record<string, unknown>;

/** Bounds of a BLE RSSI or calibrated power in dBm; anything outside is a broken sensor or a bad payload. */
export const RSSI_MIN = -127;
export const RSSI_MAX = 20;

/** Longest room or gateway name we accept from a topic level: room names end up in logs and events. */
export const MAX_ROOM_LENGTH = 128;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A numeric field: undefined when absent (JSON null counts as absent, as gateways use it
 * for "no value"), null when present but not a finite number within [min, max].
 */
export function readNumber(obj: JsonObject, key: string, min: number, max: number): number | undefined | null {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) return null;
  return value;
}

/** A topic level usable as a room name. Topic levels are already free of '/' by construction. */
export function isUsableRoom(level: string | undefined): level is string {
  return level !== undefined && level.length > 0 && level.length <= MAX_ROOM_LENGTH;
}

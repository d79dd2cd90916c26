/**
 * Canonical beacon identifiers. Every gateway format must map one physical beacon to one
 * string, or the same person would look like two devices depending on which gateway heard
 * them. Canonical forms are fixed points: normalizing a canonical id returns it unchanged.
 *
 *   ibeacon:<uuid 8-4-4-4-12 lowercase>-<major>-<minor>   (decimal, no leading zeros)
 *   eddystone:<namespace 20 hex>-<instance 12 hex>
 *   altbeacon:<rest lowercase>
 *   mac:<12 hex>
 *   irk:<32 hex>
 *   name:<as given>
 *   <other ESPresense prefix, lowercase>:<rest as given>
 *   <ESPresense alias>                                    (no prefix, as given)
 *
 * All the patterns below are anchored with fixed-width or single-class repetitions, so
 * they run in linear time whatever a gateway sends.
 */

export const HEX12_PATTERN = /^[0-9a-f]{12}$/i;
/** "C3:A1:F0:B2:D4:E5" or "c3-a1-f0-b2-d4-e5". */
export const SEPARATED_MAC_PATTERN = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}$/i;
export const UUID_DASHED_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const UUID_PLAIN_PATTERN = /^[0-9a-f]{32}$/i;
export const IRK_PATTERN = UUID_PLAIN_PATTERN;
export const EDDYSTONE_NAMESPACE_PATTERN = /^[0-9a-f]{20}$/i;
export const EDDYSTONE_INSTANCE_PATTERN = HEX12_PATTERN;
/** iBeacon major/minor as text: leading zeros tolerated on input, dropped on output. */
export const DECIMAL_U16_PATTERN = /^[0-9]{1,5}$/;
/** ESPresense id prefixes are short words ("apple", "miTherm", "sd"); compared lowercase. */
export const ID_PREFIX_PATTERN = /^[a-z][a-z0-9]{0,23}$/;
/** ESPresense aliases (set per device in its settings) have no prefix. */
export const ALIAS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Identifier values are stored with a 256-character limit; leave room for the canonical prefix. */
export const MAX_BEACON_ID_INPUT = 200;

/** Lowercase 8-4-4-4-12 form of a 128-bit UUID given with or without dashes, in any case. */
export function normalizeUuid(uuid: string): string | null {
  if (UUID_DASHED_PATTERN.test(uuid)) return uuid.toLowerCase();
  if (!UUID_PLAIN_PATTERN.test(uuid)) return null;
  const u = uuid.toLowerCase();
  return `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`;
}

function toU16(value: number | string): number | null {
  if (typeof value === 'string') {
    if (!DECIMAL_U16_PATTERN.test(value)) return null;
    value = Number(value);
  }
  return Number.isInteger(value) && value >= 0 && value <= 0xffff ? value : null;
}

/** Keyed on UUID+major+minor, never the MAC: phones advertising iBeacons rotate their MAC. */
export function ibeaconId(uuid: string, major: number | string, minor: number | string): string | null {
  const u = normalizeUuid(uuid);
  const ma = toU16(major);
  const mi = toU16(minor);
  if (u === null || ma === null || mi === null) return null;
  return `ibeacon:${u}-${ma}-${mi}`;
}

export function macId(mac: string): string | null {
  if (HEX12_PATTERN.test(mac)) return `mac:${mac.toLowerCase()}`;
  if (!SEPARATED_MAC_PATTERN.test(mac)) return null;
  const m = mac.toLowerCase();
  return `mac:${m.slice(0, 2)}${m.slice(3, 5)}${m.slice(6, 8)}${m.slice(9, 11)}${m.slice(12, 14)}${m.slice(15, 17)}`;
}

function stripHexPrefix(hex: string): string {
  return hex.startsWith('0x') || hex.startsWith('0X') ? hex.slice(2) : hex;
}

/** Accepts the "0x…" form Android beacon libraries print, as well as bare hex. */
export function eddystoneId(namespace: string, instance: string): string | null {
  const ns = stripHexPrefix(namespace);
  const inst = stripHexPrefix(instance);
  if (!EDDYSTONE_NAMESPACE_PATTERN.test(ns) || !EDDYSTONE_INSTANCE_PATTERN.test(inst)) return null;
  return `eddystone:${ns.toLowerCase()}-${inst.toLowerCase()}`;
}

/**
 * ESPresense prints the namespace's fifth byte twice ("%02x" of data[6] two times), so its
 * `eddy:` ids carry 22 hex digits. Dropping the copy makes them match every other gateway.
 */
export function repairEspresenseEddystoneNamespace(namespace: string): string {
  if (namespace.length === 22 && namespace.slice(8, 10).toLowerCase() === namespace.slice(10, 12).toLowerCase()) {
    return namespace.slice(0, 10) + namespace.slice(12);
  }
  return namespace;
}

/** "<uuid>-<major>-<minor>", the uuid with or without its own dashes. */
function parseIbeaconRest(rest: string): string | null {
  const minorDash = rest.lastIndexOf('-');
  if (minorDash <= 0) return null;
  const majorDash = rest.lastIndexOf('-', minorDash - 1);
  if (majorDash <= 0) return null;
  return ibeaconId(rest.slice(0, majorDash), rest.slice(majorDash + 1, minorDash), rest.slice(minorDash + 1));
}

function parseEddystoneRest(rest: string, fromEspresense: boolean): string | null {
  const dash = rest.indexOf('-');
  if (dash <= 0) return null;
  const namespace = rest.slice(0, dash);
  return eddystoneId(fromEspresense ? repairEspresenseEddystoneNamespace(namespace) : namespace, rest.slice(dash + 1));
}

/** Printable ASCII without spaces: ids are used as map keys and in logs. */
function isIdText(id: string): boolean {
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

/**
 * Any beacon id a gateway or an operator may send: a canonical id, an ESPresense id
 * (`iBeacon:`, `altBeacon:`, `eddy:`, `irk:`, `known:`, `name:`, `apple:`, `sd:`, …,
 * a bare public MAC or an alias), or a MAC with or without separators. Null = unusable.
 */
export function normalizeBeaconId(id: string): string | null {
  if (id.length === 0 || id.length > MAX_BEACON_ID_INPUT || !isIdText(id)) return null;
  // Before the prefix split: "c3:a1:…" would otherwise read as prefix "c3".
  const mac = macId(id);
  if (mac !== null) return mac;

  const colon = id.indexOf(':');
  if (colon === -1) return ALIAS_PATTERN.test(id) ? id : null;
  const prefix = id.slice(0, colon).toLowerCase();
  const rest = id.slice(colon + 1);
  if (rest.length === 0) return null;

  switch (prefix) {
    case 'ibeacon':
      return parseIbeaconRest(rest);
    case 'eddy':
      return parseEddystoneRest(rest, true);
    case 'eddystone':
      return parseEddystoneRest(rest, false);
    case 'altbeacon':
      return `altbeacon:${rest.toLowerCase()}`;
    case 'mac':
    case 'known':
      return macId(rest);
    case 'irk':
      return IRK_PATTERN.test(rest) ? `irk:${rest.toLowerCase()}` : null;
    case 'name':
      return id.startsWith('name:') ? id : `name:${rest}`;
    default:
      return ID_PREFIX_PATTERN.test(prefix) ? `${prefix}:${rest}` : null;
  }
}

/** ESPresense's id grammar is covered by normalizeBeaconId; the alias names intent at call sites. */
export const normalizeEspresenseId = normalizeBeaconId;

/**
 * What the gateway parsers hand to the rest of the agent: one shape for every gateway
 * brand, so presence tracking never needs to know which hardware is on the wall.
 */

export interface Sighting {
  /** Canonical beacon identifier (see beacon-id.ts). */
  beaconId: string;
  /** The room the gateway is in: ESPresense room slug, Theengs/OMG gateway name, generic topic's last level. */
  room: string;
  source: 'espresense' | 'theengs' | 'generic';
  /** Metres, when the gateway computed one. */
  distance?: number;
  /** dBm, raw or node-smoothed. */
  rssi?: number;
  /** Expected RSSI at 1 m (ESPresense rssi@1m, iBeacon txpower), for our own distance estimate. */
  rssiAt1m?: number;
  /** Receipt time, ms since epoch. */
  at: number;
}

export interface ScanMessage {
  screenId: string;
  code: string;
  symbology?: string;
  at: number;
}

export type RejectReason = 'oversized' | 'not-json' | 'invalid-fields' | 'unknown-topic' | 'unknown-id';

export type GatewayMessage =
  | { kind: 'sighting'; sighting: Sighting }
  | { kind: 'scan'; scan: ScanMessage }
  /** Legit traffic that is not a sighting: node status, telemetry, battery sub-reports, presence republish topics. */
  | { kind: 'ignored'; reason: string }
  /** Malformed, oversized or unknown: counted, so a misconfigured gateway shows up in the agent status. */
  | { kind: 'rejected'; reason: RejectReason; detail: string };

/** What a topic matcher returns when there is no payload worth parsing. */
export type NotParsed = Extract<GatewayMessage, { kind: 'ignored' | 'rejected' }>;

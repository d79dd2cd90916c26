/**
 * The synthetic store: which beacons exist, which rooms the gateways are in, and what an
 * ESPresense node publishes for a sighting. Shared by the main thread (agent, seeding)
 * and the publisher worker.
 */
import type { AgentConfigInput } from '../main/config/agent-config';

export const TRAFFIC_UUID = 'b3a7c0de-1d2e-4f00-8a11-0000000be7c5';

/** iBeacon "major" by population: arrivals (fresh known customers), stationary known devices, stationary anonymous ones. */
export const MAJOR = { arrival: 1, known: 2, anonymous: 3 } as const;

export const ROOMS = ['entrance', 'front-counter'] as const;

export const BENCH_SCREENS: AgentConfigInput['screens'] = [
  { id: 'entrance', name: 'Entrance screen', rooms: ['entrance'] },
  { id: 'counter', name: 'Counter screen', rooms: ['front-counter'] },
];

/** The id as an ESPresense node writes it in topic and payload. */
export function espresenseId(major: number, minor: number): string {
  return `iBeacon:${TRAFFIC_UUID}-${major}-${minor}`;
}

/** The canonical id the agent's parsers produce for it, as stored in identifiers. */
export function canonicalId(major: number, minor: number): string {
  return `ibeacon:${TRAFFIC_UUID}-${major}-${minor}`;
}

export function arrivalProfileId(index: number): string {
  return `arr-${index}`;
}

export function knownDeviceProfileId(index: number): string {
  return `dev-${index}`;
}

export function espresenseTopic(id: string, room: string): string {
  return `espresense/devices/${id}/${room}`;
}

/**
 * An ESPresense v4 device report. `t`, when given, is the publish time in ns since the run's
 * origin: the raw round-trip subscriber reads it, the agent's parser ignores unknown keys.
 */
export function espresensePayload(id: string, distance: number, t?: number): string {
  const rssi = Math.round(-59 - 25 * Math.log10(Math.max(distance, 0.1)));
  const tail = t === undefined ? '' : `,"t":${t}`;
  return `{"id":"${id}","idType":30,"rssi@1m":-59,"rssi":${rssi},"raw":${(distance * 1.07).toFixed(2)},"distance":${distance.toFixed(2)},"var":0.02,"int":1015,"mac":"5c1a2b3c4d5e"${tail}}`;
}

/** Stationary device `index` of `known` known ones: its id, room and a distance around 1 m that wobbles with `step`. */
export function stationaryReading(index: number, known: number, step: number): { id: string; room: string; distance: number } {
  const major = index < known ? MAJOR.known : MAJOR.anonymous;
  return {
    id: espresenseId(major, index),
    room: ROOMS[index % ROOMS.length]!,
    distance: 1 + 0.15 * Math.sin(step * 0.7 + index),
  };
}

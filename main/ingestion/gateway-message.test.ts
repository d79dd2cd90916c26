import { describe, expect, it } from 'vitest';
import type { IngestionConfig } from '../config/agent-config';
import { parseGatewayMessage, subscriptionTopics } from './gateway-message';
import type { GatewayMessage } from './sighting';

const AT = 1_700_000_000_000;
const CONFIG: IngestionConfig = {
  espresensePrefix: 'espresense',
  theengsPrefix: 'home',
  genericPrefix: 'store/presence',
  scanPrefix: 'store/scan',
  maxPayloadBytes: 4096,
};
const CANONICAL_IBEACON = 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const parse = (topic: string, payload: string | Uint8Array, config: IngestionConfig = CONFIG): GatewayMessage =>
  parseGatewayMessage(topic, typeof payload === 'string' ? bytes(payload) : payload, config, AT);

const ESPRESENSE_TOPIC = 'espresense/devices/iBeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949/front-counter';
const ESPRESENSE_PAYLOAD =
  '{"mac":"dd8800003777","id":"iBeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949","rssi@1m":-59,"rssi":-71.5,"rxAdj":0,"rssiVar":3.1,"distance":1.42,"var":0.4,"int":1020}';
const THEENGS_TOPIC = 'home/TheengsGateway/BTtoMQTT/C3A1F0B2D4E5';
const THEENGS_PAYLOAD =
  '{"id":"C3:A1:F0:B2:D4:E5","rssi":-74,"brand":"GENERIC","model":"iBeacon","model_id":"IBEACON","mfid":"4c00","uuid":"426c7565436861726d426561636f6e73","major":3838,"minor":4949,"txpower":-59}';

describe('parseGatewayMessage routing', () => {
  it('parses the ESPresense example', () => {
    expect(parse(ESPRESENSE_TOPIC, ESPRESENSE_PAYLOAD)).toEqual({
      kind: 'sighting',
      sighting: {
        beaconId: CANONICAL_IBEACON,
        room: 'front-counter',
        source: 'espresense',
        distance: 1.42,
        rssi: -71.5,
        rssiAt1m: -59,
        at: AT,
      },
    });
  });

  it('gives the Theengs example the same beacon id as the ESPresense one', () => {
    const esp = parse(ESPRESENSE_TOPIC, ESPRESENSE_PAYLOAD);
    const theengs = parse(THEENGS_TOPIC, THEENGS_PAYLOAD);
    expect(theengs).toMatchObject({ kind: 'sighting', sighting: { source: 'theengs', room: 'TheengsGateway', rssiAt1m: -59 } });
    expect(esp.kind === 'sighting' && theengs.kind === 'sighting' && esp.sighting.beaconId === theengs.sighting.beaconId).toBe(
      true,
    );
  });

  it('parses OpenMQTTGateway, generic and scan topics', () => {
    expect(parse('home/OpenMQTTGateway/BTtoMQTT/C3A1F0B2D4E5', '{"id":"C3:A1:F0:B2:D4:E5","rssi":-80}')).toMatchObject({
      sighting: { beaconId: 'mac:c3a1f0b2d4e5', room: 'OpenMQTTGateway', source: 'theengs' },
    });
    expect(parse('store/presence/entrance', `{"id":"${CANONICAL_IBEACON}","distance":2.5}`)).toMatchObject({
      sighting: { beaconId: CANONICAL_IBEACON, room: 'entrance', source: 'generic', distance: 2.5 },
    });
    expect(parse('store/scan/counter', '2000000123455\n')).toEqual({
      kind: 'scan',
      scan: { screenId: 'counter', code: '2000000123455', symbology: undefined, at: AT },
    });
  });

  it('ignores ESPresense plain-text room status, telemetry and device sub-reports', () => {
    expect(parse('espresense/rooms/front-counter/status', 'online')).toMatchObject({ kind: 'ignored' });
    expect(parse('espresense/rooms/front-counter/status', 'offline')).toMatchObject({ kind: 'ignored' });
    expect(parse('espresense/rooms/front-counter/telemetry', '{"ip":"10.0.0.5","uptime":3600}')).toMatchObject({
      kind: 'ignored',
    });
    expect(parse(`${ESPRESENSE_TOPIC}/battery`, '{"battery":87}')).toMatchObject({ kind: 'ignored' });
  });

  it('ignores gateway presence republishes and system topics', () => {
    expect(parse('home/presence/OpenMQTTGateway', THEENGS_PAYLOAD)).toMatchObject({ kind: 'ignored' });
    expect(parse('home/TheengsGateway/presence', THEENGS_PAYLOAD)).toMatchObject({ kind: 'ignored' });
    expect(parse('home/OpenMQTTGateway/SYStoMQTT', '{"uptime":100}')).toMatchObject({ kind: 'ignored' });
    expect(parse('home/OpenMQTTGateway/LWT', 'online')).toMatchObject({ kind: 'ignored' });
  });

  it('ignores an empty payload on a sighting topic (a retained message being cleared)', () => {
    expect(parse(ESPRESENSE_TOPIC, '')).toMatchObject({ kind: 'ignored' });
  });

  it('rejects unknown topics', () => {
    expect(parse('office/lights/1', '{}')).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
    expect(parse('espresense', '{}')).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
    expect(parse('espresense/', '{}')).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
    expect(parse('store/presence/entrance/extra', '{}')).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
  });

  it('rejects payloads that are not JSON or not UTF-8', () => {
    expect(parse(ESPRESENSE_TOPIC, 'online')).toMatchObject({ kind: 'rejected', reason: 'not-json' });
    expect(parse(THEENGS_TOPIC, '{"id":')).toMatchObject({ kind: 'rejected', reason: 'not-json' });
    expect(parse('store/presence/entrance', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toMatchObject({
      kind: 'rejected',
      reason: 'not-json',
    });
    expect(parse('store/scan/counter', new Uint8Array([0x31, 0xc3, 0x28]))).toMatchObject({
      kind: 'rejected',
      reason: 'invalid-fields',
    });
  });

  it.each([['[1,2]'], ['42'], ['null'], ['"text"'], ['true']])('rejects JSON %s that is not an object', (payload) => {
    expect(parse(ESPRESENSE_TOPIC, payload)).toMatchObject({ kind: 'rejected', reason: 'invalid-fields' });
    expect(parse('store/presence/entrance', payload)).toMatchObject({ kind: 'rejected', reason: 'invalid-fields' });
  });

  it('rejects number overflow (1e999 parses as Infinity)', () => {
    expect(parse('store/presence/entrance', '{"id":"mac:c3a1f0b2d4e5","distance":1e999}')).toMatchObject({
      kind: 'rejected',
      reason: 'invalid-fields',
    });
  });

  it('rejects oversized payloads before looking at them', () => {
    const big = new Uint8Array(CONFIG.maxPayloadBytes + 1).fill(0xff);
    expect(parse(ESPRESENSE_TOPIC, big)).toMatchObject({ kind: 'rejected', reason: 'oversized' });
    expect(parse('anything/at/all', big)).toMatchObject({ kind: 'rejected', reason: 'oversized' });
    const atLimit = `{"id":"mac:c3a1f0b2d4e5","distance":1,"pad":"${'x'.repeat(4000)}"}`;
    expect(bytes(atLimit).byteLength).toBeLessThanOrEqual(CONFIG.maxPayloadBytes);
    expect(parse('store/presence/entrance', atLimit)).toMatchObject({ kind: 'sighting' });
  });

  it('routes configured prefixes that contain "/" and trailing slashes, longest first', () => {
    const config: IngestionConfig = {
      espresensePrefix: 'site/7/espresense/',
      theengsPrefix: 'home',
      genericPrefix: 'home/presence',
      scanPrefix: 'site/7/scan',
      maxPayloadBytes: 1024,
    };
    expect(parse('site/7/espresense/devices/c3a1f0b2d4e5/entrance', '{"rssi":-60}', config)).toMatchObject({
      sighting: { beaconId: 'mac:c3a1f0b2d4e5', room: 'entrance', source: 'espresense' },
    });
    expect(parse('home/presence/entrance', '{"id":"c3a1f0b2d4e5","distance":1}', config)).toMatchObject({
      sighting: { source: 'generic', room: 'entrance' },
    });
    expect(parse('site/7/scan/counter', '{"code":"LC-1/2"}', config)).toMatchObject({ scan: { code: 'LC-1/2' } });
    expect(parse('espresense/devices/c3a1f0b2d4e5/entrance', '{"rssi":-60}', config)).toMatchObject({
      reason: 'unknown-topic',
    });
  });
});

describe('subscriptionTopics', () => {
  it('gives one filter per format for the defaults', () => {
    expect(subscriptionTopics(CONFIG)).toEqual(['espresense/devices/#', 'home/+/BTtoMQTT/+', 'store/presence/+', 'store/scan/+']);
  });

  it('joins prefixes with slashes and drops duplicates', () => {
    const config: IngestionConfig = { ...CONFIG, espresensePrefix: 'a/b/', genericPrefix: 'same', scanPrefix: 'same' };
    expect(subscriptionTopics(config)).toEqual(['a/b/devices/#', 'home/+/BTtoMQTT/+', 'same/+']);
  });
});

/** mulberry32: a seeded generator, so a failing fuzz case can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzz', () => {
  const KINDS = new Set(['sighting', 'scan', 'ignored', 'rejected']);
  const TOPIC_STARTS = [
    'espresense/devices/',
    'espresense/rooms/',
    'espresense/',
    'home/',
    'home/gw/BTtoMQTT/',
    'store/presence/',
    'store/scan/',
    '',
    '/',
  ];
  const FRAGMENTS = ['iBeacon:', 'eddy:', 'irk:', 'known:', 'c3a1f0b2d4e5', '/', '-', ':', '+', '#', '\u0000', 'é', '😀', 'x'];
  const VALUES = [
    '-70',
    '1.5',
    '-1',
    '1e999',
    'null',
    'true',
    '"x"',
    '[]',
    '{}',
    '"C3:A1:F0:B2:D4:E5"',
    '"iBeacon:426c7565436861726d426561636f6e73-1-2"',
    '"426c7565436861726d426561636f6e73"',
    '3838',
  ];
  const KEYS = ['id', 'rssi', 'distance', 'rssi@1m', 'txpower', 'uuid', 'major', 'minor', 'model_id', 'namespace', 'instance', 'code', '__proto__'];

  function check(result: GatewayMessage): void {
    expect(KINDS.has(result.kind)).toBe(true);
    if (result.kind === 'sighting') {
      const s = result.sighting;
      expect(s.beaconId.length).toBeGreaterThan(0);
      expect(s.room.length).toBeGreaterThan(0);
      expect(s.distance === undefined || (Number.isFinite(s.distance) && s.distance >= 0)).toBe(true);
      expect(s.rssi === undefined || (s.rssi >= -127 && s.rssi <= 20)).toBe(true);
    }
  }

  it('never throws on random bytes and random topics', () => {
    const random = rng(20240611);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    for (let i = 0; i < 5000; i++) {
      let topic = pick(TOPIC_STARTS);
      const levels = Math.floor(random() * 4);
      for (let l = 0; l < levels; l++) topic += `${pick(FRAGMENTS)}${pick(FRAGMENTS)}/`;
      if (random() < 0.5) topic = topic.slice(0, -1);
      const payload = new Uint8Array(Math.floor(random() * 96));
      for (let b = 0; b < payload.length; b++) payload[b] = Math.floor(random() * 256);
      check(parseGatewayMessage(topic, payload, CONFIG, AT));
    }
  });

  it('never throws on random JSON objects with plausible keys', () => {
    const random = rng(7);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const topics = [ESPRESENSE_TOPIC, THEENGS_TOPIC, 'store/presence/entrance', 'store/scan/counter'];
    let sightings = 0;
    for (let i = 0; i < 5000; i++) {
      const fields: string[] = [];
      const count = Math.floor(random() * 6);
      for (let f = 0; f < count; f++) fields.push(`"${pick(KEYS)}":${pick(VALUES)}`);
      const result = parseGatewayMessage(pick(topics), bytes(`{${fields.join(',')}}`), CONFIG, AT);
      check(result);
      if (result.kind === 'sighting') sightings++;
    }
    // The generator must reach the success path too, or the invariants above check nothing.
    expect(sightings).toBeGreaterThan(0);
  });
});

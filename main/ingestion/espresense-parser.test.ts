import { describe, expect, it } from 'vitest';
import { matchEspresenseTopic, parseEspresenseSighting } from './espresense-parser';

const AT = 1_700_000_000_000;
const IBEACON_ID = 'iBeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949';

const V4_PAYLOAD = {
  mac: 'dd8800003777',
  id: IBEACON_ID,
  'rssi@1m': -59,
  rssi: -71.5,
  rxAdj: 0,
  rssiVar: 3.1,
  distance: 1.42,
  var: 0.4,
  int: 1020,
};

const V3_PAYLOAD = {
  id: 'irk:0123456789abcdef0123456789abcdef',
  name: "John's iPhone",
  disc: 'apple:1005:9-26',
  idType: 50,
  'rssi@1m': -65,
  rssi: -80,
  raw: 2.9,
  distance: 2.4,
  speed: 0.1,
  mac: '6a3b2c1d0e0f',
  interval: 250,
};

describe('matchEspresenseTopic', () => {
  it('takes device id and room from devices/<id>/<room>', () => {
    expect(matchEspresenseTopic(['devices', IBEACON_ID, 'front-counter'])).toEqual({
      kind: 'device',
      deviceId: IBEACON_ID,
      room: 'front-counter',
    });
  });

  it('ignores sub-reports, room status and other node traffic', () => {
    expect(matchEspresenseTopic(['devices', IBEACON_ID, 'front-counter', 'battery']).kind).toBe('ignored');
    expect(matchEspresenseTopic(['rooms', 'front-counter', 'status']).kind).toBe('ignored');
    expect(matchEspresenseTopic(['rooms', 'front-counter', 'telemetry']).kind).toBe('ignored');
    expect(matchEspresenseTopic(['settings', 'irk:00', 'config']).kind).toBe('ignored');
  });

  it('rejects device topics without a room or with empty levels', () => {
    expect(matchEspresenseTopic(['devices', IBEACON_ID])).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
    expect(matchEspresenseTopic(['devices', '', 'front-counter'])).toMatchObject({ reason: 'unknown-topic' });
    expect(matchEspresenseTopic(['devices', IBEACON_ID, ''])).toMatchObject({ reason: 'unknown-topic' });
  });
});

describe('parseEspresenseSighting', () => {
  it('reads a firmware v4 report', () => {
    const result = parseEspresenseSighting(IBEACON_ID, 'front-counter', V4_PAYLOAD, AT);
    expect(result).toEqual({
      kind: 'sighting',
      sighting: {
        beaconId: 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949',
        room: 'front-counter',
        source: 'espresense',
        distance: 1.42,
        rssi: -71.5,
        rssiAt1m: -59,
        at: AT,
      },
    });
  });

  it('reads a firmware v3 report', () => {
    const result = parseEspresenseSighting(V3_PAYLOAD.id, 'entrance', V3_PAYLOAD, AT);
    expect(result).toMatchObject({
      kind: 'sighting',
      sighting: { beaconId: 'irk:0123456789abcdef0123456789abcdef', room: 'entrance', distance: 2.4, rssi: -80, rssiAt1m: -65 },
    });
  });

  it('prefers the payload id (an alias) and falls back to the topic id', () => {
    const aliased = parseEspresenseSighting('c3a1f0b2d4e5', 'entrance', { id: 'johns-phone', rssi: -70 }, AT);
    expect(aliased).toMatchObject({ sighting: { beaconId: 'johns-phone' } });
    const noPayloadId = parseEspresenseSighting('known:C3A1F0B2D4E5', 'entrance', { rssi: -70 }, AT);
    expect(noPayloadId).toMatchObject({ sighting: { beaconId: 'mac:c3a1f0b2d4e5' } });
    const badPayloadId = parseEspresenseSighting('c3a1f0b2d4e5', 'entrance', { id: 'irk:xyz', rssi: -70 }, AT);
    expect(badPayloadId).toMatchObject({ sighting: { beaconId: 'mac:c3a1f0b2d4e5' } });
  });

  it('accepts RSSI without distance', () => {
    const result = parseEspresenseSighting(IBEACON_ID, 'entrance', { id: IBEACON_ID, rssi: -70 }, AT);
    expect(result).toMatchObject({ kind: 'sighting', sighting: { rssi: -70, distance: undefined } });
  });

  it('rejects ids no form can read', () => {
    expect(parseEspresenseSighting('irk:12', 'entrance', { id: 'irk:34', rssi: -70 }, AT)).toMatchObject({
      kind: 'rejected',
      reason: 'unknown-id',
    });
  });

  it.each([
    ['a JSON array', [1, 2]],
    ['a JSON number', 42],
    ['JSON null', null],
    ['a string', 'online'],
  ])('rejects %s as payload', (_label, payload) => {
    expect(parseEspresenseSighting(IBEACON_ID, 'entrance', payload, AT)).toMatchObject({
      kind: 'rejected',
      reason: 'invalid-fields',
    });
  });

  it.each([
    ['non-numeric rssi', { rssi: '-70' }],
    ['rssi out of range', { rssi: -200 }],
    ['positive rssi over 20', { rssi: 21 }],
    ['negative distance', { rssi: -70, distance: -0.5 }],
    ['infinite distance', { rssi: -70, distance: Number.POSITIVE_INFINITY }],
    ['NaN distance', { rssi: -70, distance: Number.NaN }],
    ['boolean distance', { distance: true }],
    ['non-numeric rssi@1m', { rssi: -70, 'rssi@1m': 'x' }],
    ['neither rssi nor distance', { name: 'x' }],
  ])('rejects %s', (_label, fields) => {
    expect(parseEspresenseSighting(IBEACON_ID, 'entrance', { id: IBEACON_ID, ...fields }, AT)).toMatchObject({
      kind: 'rejected',
      reason: 'invalid-fields',
    });
  });
});

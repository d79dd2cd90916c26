import { describe, expect, it } from 'vitest';
import { matchTheengsTopic, parseTheengsSighting } from './theengs-parser';

const AT = 1_700_000_000_000;

const THEENGS_IBEACON = {
  id: 'C3:A1:F0:B2:D4:E5',
  rssi: -74,
  brand: 'GENERIC',
  model: 'iBeacon',
  model_id: 'IBEACON',
  mfid: '4c00',
  uuid: '426c7565436861726d426561636f6e73',
  major: 3838,
  minor: 4949,
  txpower: -59,
};

describe('matchTheengsTopic', () => {
  it('takes the gateway name and id level from <gateway>/BTtoMQTT/<id>', () => {
    expect(matchTheengsTopic(['TheengsGateway', 'BTtoMQTT', 'C3A1F0B2D4E5'])).toEqual({
      kind: 'device',
      gateway: 'TheengsGateway',
      topicId: 'C3A1F0B2D4E5',
    });
  });

  it('ignores presence republish topics and gateway system traffic', () => {
    expect(matchTheengsTopic(['presence', 'OpenMQTTGateway'])).toMatchObject({ kind: 'ignored' });
    expect(matchTheengsTopic(['TheengsGateway', 'presence'])).toMatchObject({ kind: 'ignored' });
    expect(matchTheengsTopic(['OpenMQTTGateway', 'SYStoMQTT'])).toMatchObject({ kind: 'ignored' });
    expect(matchTheengsTopic(['OpenMQTTGateway', 'LWT'])).toMatchObject({ kind: 'ignored' });
    expect(matchTheengsTopic(['OpenMQTTGateway', 'BTtoMQTT', 'C3A1F0B2D4E5', 'extra'])).toMatchObject({ kind: 'ignored' });
  });

  it('rejects an empty gateway or id level', () => {
    expect(matchTheengsTopic(['', 'BTtoMQTT', 'C3A1F0B2D4E5'])).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
    expect(matchTheengsTopic(['gw', 'BTtoMQTT', ''])).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
  });
});

describe('parseTheengsSighting', () => {
  it('keys a Theengs iBeacon on uuid, major and minor, with txpower as rssiAt1m', () => {
    expect(parseTheengsSighting('TheengsGateway', 'C3A1F0B2D4E5', THEENGS_IBEACON, AT)).toEqual({
      kind: 'sighting',
      sighting: {
        beaconId: 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949',
        room: 'TheengsGateway',
        source: 'theengs',
        distance: undefined,
        rssi: -74,
        rssiAt1m: -59,
        at: AT,
      },
    });
  });

  it('gives the same id when the MAC rotates', () => {
    const rotated = { ...THEENGS_IBEACON, id: '5A:11:22:33:44:55' };
    const a = parseTheengsSighting('gw', 'C3A1F0B2D4E5', THEENGS_IBEACON, AT);
    const b = parseTheengsSighting('gw', '5A1122334455', rotated, AT);
    expect(a).toMatchObject({ kind: 'sighting' });
    expect(b).toEqual(a);
  });

  it('accepts an iBeacon without model_id when uuid, major and minor are there', () => {
    const { model_id: _dropped, ...rest } = THEENGS_IBEACON;
    expect(parseTheengsSighting('gw', 'x', { ...rest, uuid: '426C7565-4368-6172-6D42-6561636F6E73' }, AT)).toMatchObject({
      sighting: { beaconId: 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949' },
    });
  });

  it('never falls back to the MAC for an iBeacon without usable fields', () => {
    const broken = { ...THEENGS_IBEACON, uuid: 'short' };
    expect(parseTheengsSighting('gw', 'C3A1F0B2D4E5', broken, AT)).toMatchObject({ kind: 'rejected', reason: 'unknown-id' });
    const noMajor = { ...THEENGS_IBEACON, major: undefined };
    expect(parseTheengsSighting('gw', 'C3A1F0B2D4E5', noMajor, AT)).toMatchObject({ kind: 'rejected', reason: 'unknown-id' });
  });

  it('reads an OpenMQTTGateway report of a plain BLE device by its colon MAC', () => {
    const omg = { id: 'C3:A1:F0:B2:D4:E5', mac_type: 1, rssi: -81, distance: 3.2, brand: 'GENERIC' };
    expect(parseTheengsSighting('OpenMQTTGateway', 'C3A1F0B2D4E5', omg, AT)).toMatchObject({
      kind: 'sighting',
      sighting: { beaconId: 'mac:c3a1f0b2d4e5', room: 'OpenMQTTGateway', rssi: -81, distance: 3.2 },
    });
  });

  it('falls back to the topic id when the payload has no id', () => {
    expect(parseTheengsSighting('gw', 'C3A1F0B2D4E5', { rssi: -60 }, AT)).toMatchObject({
      sighting: { beaconId: 'mac:c3a1f0b2d4e5' },
    });
  });

  it('reads Eddystone namespace and instance', () => {
    const eddy = { id: 'C3:A1:F0:B2:D4:E5', rssi: -66, namespace: 'EDD1EBEAC04E5DEFA017', instance: '0BDB87539B67' };
    expect(parseTheengsSighting('gw', 'C3A1F0B2D4E5', eddy, AT)).toMatchObject({
      sighting: { beaconId: 'eddystone:edd1ebeac04e5defa017-0bdb87539b67' },
    });
  });

  it('rejects bad ids and bad fields', () => {
    expect(parseTheengsSighting('gw', 'x', { id: 42, rssi: -60 }, AT)).toMatchObject({ reason: 'invalid-fields' });
    expect(parseTheengsSighting('gw', 'x', { id: 'not-a-mac', rssi: -60 }, AT)).toMatchObject({ reason: 'unknown-id' });
    expect(parseTheengsSighting('gw', 'x', { ...THEENGS_IBEACON, rssi: 'strong' }, AT)).toMatchObject({
      reason: 'invalid-fields',
    });
    expect(parseTheengsSighting('gw', 'x', { ...THEENGS_IBEACON, txpower: 400 }, AT)).toMatchObject({
      reason: 'invalid-fields',
    });
    expect(parseTheengsSighting('gw', 'x', [THEENGS_IBEACON], AT)).toMatchObject({ reason: 'invalid-fields' });
  });
});

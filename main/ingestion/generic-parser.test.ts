import { describe, expect, it } from 'vitest';
import { matchGenericTopic, parseGenericSighting } from './generic-parser';

const AT = 1_700_000_000_000;

describe('matchGenericTopic', () => {
  it('takes the room from the single level after the prefix', () => {
    expect(matchGenericTopic(['entrance'])).toEqual({ kind: 'room', room: 'entrance' });
  });

  it('rejects deeper or empty topics', () => {
    expect(matchGenericTopic(['entrance', 'extra'])).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
    expect(matchGenericTopic([''])).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
    expect(matchGenericTopic(['r'.repeat(129)])).toMatchObject({ kind: 'rejected', reason: 'unknown-topic' });
  });
});

describe('parseGenericSighting', () => {
  it('reads an mqtt_room payload with extra fields', () => {
    const payload = { id: 'C3:A1:F0:B2:D4:E5', name: 'Badge', distance: 0.8, rssi: -62, battery: 90 };
    expect(parseGenericSighting('entrance', payload, AT)).toEqual({
      kind: 'sighting',
      sighting: {
        beaconId: 'mac:c3a1f0b2d4e5',
        room: 'entrance',
        source: 'generic',
        distance: 0.8,
        rssi: -62,
        rssiAt1m: undefined,
        at: AT,
      },
    });
  });

  it('normalizes canonical and ESPresense-style ids to the same beacon', () => {
    const ids = [
      'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949',
      'iBeacon:426C7565436861726D426561636F6E73-3838-4949',
    ];
    for (const id of ids) {
      expect(parseGenericSighting('entrance', { id, distance: 1 }, AT)).toMatchObject({
        sighting: { beaconId: 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949' },
      });
    }
  });

  it('rejects a missing or non-string id', () => {
    expect(parseGenericSighting('entrance', { distance: 1 }, AT)).toMatchObject({ kind: 'rejected', reason: 'invalid-fields' });
    expect(parseGenericSighting('entrance', { id: 7, distance: 1 }, AT)).toMatchObject({ reason: 'invalid-fields' });
  });

  it('rejects an unusable id', () => {
    expect(parseGenericSighting('entrance', { id: 'has spaces in it', distance: 1 }, AT)).toMatchObject({
      reason: 'unknown-id',
    });
  });

  it('requires a distance, finite and not negative', () => {
    expect(parseGenericSighting('entrance', { id: 'mac:c3a1f0b2d4e5', rssi: -60 }, AT)).toMatchObject({
      reason: 'invalid-fields',
    });
    expect(parseGenericSighting('entrance', { id: 'mac:c3a1f0b2d4e5', distance: -1 }, AT)).toMatchObject({
      reason: 'invalid-fields',
    });
    expect(parseGenericSighting('entrance', { id: 'mac:c3a1f0b2d4e5', distance: '1.2' }, AT)).toMatchObject({
      reason: 'invalid-fields',
    });
  });

  it('treats JSON null as an absent optional field', () => {
    expect(parseGenericSighting('entrance', { id: 'mac:c3a1f0b2d4e5', distance: 2, rssi: null }, AT)).toMatchObject({
      kind: 'sighting',
      sighting: { distance: 2, rssi: undefined },
    });
  });
});

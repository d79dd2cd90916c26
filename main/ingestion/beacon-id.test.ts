import { describe, expect, it } from 'vitest';
import {
  eddystoneId,
  ibeaconId,
  macId,
  normalizeBeaconId,
  normalizeEspresenseId,
  normalizeUuid,
  repairEspresenseEddystoneNamespace,
} from './beacon-id';

const CANONICAL_IBEACON = 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949';

describe('ibeaconId', () => {
  it('gives the same id for a uuid with or without dashes, in any case', () => {
    const forms = [
      '426c7565-4368-6172-6d42-6561636f6e73',
      '426C7565-4368-6172-6D42-6561636F6E73',
      '426c7565436861726d426561636f6e73',
      '426C7565436861726D426561636F6E73',
    ];
    for (const uuid of forms) expect(ibeaconId(uuid, 3838, 4949)).toBe(CANONICAL_IBEACON);
  });

  it('prints major and minor in decimal without leading zeros', () => {
    expect(ibeaconId('426c7565436861726d426561636f6e73', '03838', '0')).toBe(
      'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-0',
    );
  });

  it('rejects malformed uuids and out-of-range major/minor', () => {
    expect(ibeaconId('426c7565-4368-6172-6d42', 1, 2)).toBeNull();
    expect(ibeaconId('426c7565436861726d426561636f6e7g', 1, 2)).toBeNull();
    expect(ibeaconId('426c7565-43686172-6d42-6561636f6e73', 1, 2)).toBeNull();
    expect(ibeaconId('426c7565436861726d426561636f6e73', 65536, 2)).toBeNull();
    expect(ibeaconId('426c7565436861726d426561636f6e73', -1, 2)).toBeNull();
    expect(ibeaconId('426c7565436861726d426561636f6e73', 1.5, 2)).toBeNull();
    expect(ibeaconId('426c7565436861726d426561636f6e73', 'x1', 2)).toBeNull();
    expect(ibeaconId('426c7565436861726d426561636f6e73', Number.NaN, 2)).toBeNull();
  });

  it('normalizes uuids on their own', () => {
    expect(normalizeUuid('426C7565436861726D426561636F6E73')).toBe('426c7565-4368-6172-6d42-6561636f6e73');
    expect(normalizeUuid('not-a-uuid')).toBeNull();
  });
});

describe('macId', () => {
  it('accepts colon, dash and bare forms in any case', () => {
    expect(macId('C3:A1:F0:B2:D4:E5')).toBe('mac:c3a1f0b2d4e5');
    expect(macId('c3-a1-f0-b2-d4-e5')).toBe('mac:c3a1f0b2d4e5');
    expect(macId('C3A1F0B2D4E5')).toBe('mac:c3a1f0b2d4e5');
  });

  it('rejects mixed separators and wrong lengths', () => {
    expect(macId('C3:A1-F0:B2:D4:E5')).toBeNull();
    expect(macId('C3:A1:F0:B2:D4')).toBeNull();
    expect(macId('c3a1f0b2d4e5ff')).toBeNull();
    expect(macId('g3a1f0b2d4e5')).toBeNull();
  });
});

describe('eddystoneId', () => {
  it('lowercases namespace and instance and accepts a 0x prefix', () => {
    expect(eddystoneId('EDD1EBEAC04E5DEFA017', '0BDB87539B67')).toBe('eddystone:edd1ebeac04e5defa017-0bdb87539b67');
    expect(eddystoneId('0xedd1ebeac04e5defa017', '0x0bdb87539b67')).toBe('eddystone:edd1ebeac04e5defa017-0bdb87539b67');
  });

  it('rejects wrong lengths', () => {
    expect(eddystoneId('edd1ebeac04e5defa0', '0bdb87539b67')).toBeNull();
    expect(eddystoneId('edd1ebeac04e5defa017', '0bdb8753')).toBeNull();
  });

  it("drops the byte ESPresense prints twice in a namespace", () => {
    expect(repairEspresenseEddystoneNamespace('edd1ebeac0c04e5defa017')).toBe('edd1ebeac04e5defa017');
    expect(repairEspresenseEddystoneNamespace('edd1ebeac04e5defa017')).toBe('edd1ebeac04e5defa017');
  });
});

describe('normalizeEspresenseId', () => {
  it.each([
    ['iBeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949', CANONICAL_IBEACON],
    ['iBeacon:426C7565436861726D426561636F6E73-3838-4949', CANONICAL_IBEACON],
    ['eddy:edd1ebeac0c04e5defa017-0bdb87539b67', 'eddystone:edd1ebeac04e5defa017-0bdb87539b67'],
    ['altBeacon:ABCDEF-1-2', 'altbeacon:abcdef-1-2'],
    ['irk:0123456789ABCDEF0123456789abcdef', 'irk:0123456789abcdef0123456789abcdef'],
    ['known:c3a1f0b2d4e5', 'mac:c3a1f0b2d4e5'],
    ['c3a1f0b2d4e5', 'mac:c3a1f0b2d4e5'],
    ['name:johns-iphone', 'name:johns-iphone'],
    ['apple:1005:9-26', 'apple:1005:9-26'],
    ['miTherm:a4c138aabbcc', 'mitherm:a4c138aabbcc'],
    ['MSFT:cdp:0109', 'msft:cdp:0109'],
    ['sd:0000fe9f-0000-1000-8000-00805f9b34fb-12', 'sd:0000fe9f-0000-1000-8000-00805f9b34fb-12'],
    ['tile:c3a1f0b2d4e5', 'tile:c3a1f0b2d4e5'],
    ['johns-phone', 'johns-phone'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeEspresenseId(input)).toBe(expected);
  });

  it.each([
    [''],
    ['iBeacon:426c7565-4368-6172-6d42-6561636f6e73-3838'],
    ['iBeacon:426c7565-4368-6172-6d42-6561636f6e73-70000-1'],
    ['irk:0123'],
    ['known:zz'],
    ['name:'],
    ['1bad:prefix'],
    ['has space:x'],
    ['tab\there'],
    ['é:x'],
    ['x'.repeat(201)],
  ])('%j is unusable', (input) => {
    expect(normalizeEspresenseId(input)).toBeNull();
  });
});

describe('normalizeBeaconId', () => {
  it('returns canonical ids unchanged', () => {
    const canonical = [
      CANONICAL_IBEACON,
      'eddystone:edd1ebeac04e5defa017-0bdb87539b67',
      'altbeacon:abcdef-1-2',
      'mac:c3a1f0b2d4e5',
      'irk:0123456789abcdef0123456789abcdef',
      'name:johns-iphone',
      'apple:1005:9-26',
    ];
    for (const id of canonical) expect(normalizeBeaconId(id)).toBe(id);
  });

  it('accepts a MAC with colons as a generic id', () => {
    expect(normalizeBeaconId('C3:A1:F0:B2:D4:E5')).toBe('mac:c3a1f0b2d4e5');
    expect(normalizeBeaconId('MAC:C3A1F0B2D4E5')).toBe('mac:c3a1f0b2d4e5');
  });
});

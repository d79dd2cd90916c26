import { describe, expect, it } from 'vitest';
import type { PresentCustomer } from '../../../protocol/kiosk';
import { newestFirst, presentList } from './present';

const known = (key: string, since: string): PresentCustomer => ({
  key,
  kind: 'known',
  profileId: key,
  displayName: 'Ana S.',
  tier: 'gold',
  via: 'beacon',
  since,
  beaconId: null,
});
const anonymous = (key: string, since: string): PresentCustomer => ({
  key,
  kind: 'anonymous',
  profileId: null,
  displayName: null,
  tier: null,
  via: 'beacon',
  since,
  beaconId: key,
});

describe('newestFirst', () => {
  it('puts the latest arrival on top and each key once', () => {
    const list = newestFirst([
      known('p1', '2026-03-10T09:00:00Z'),
      anonymous('b1', '2026-03-10T09:05:00Z'),
      known('p1', '2026-03-10T09:10:00Z'),
      known('p2', 'not a time'),
    ]);
    expect(list.map((c) => [c.key, c.since])).toEqual([
      ['p1', '2026-03-10T09:10:00Z'],
      ['b1', '2026-03-10T09:05:00Z'],
      ['p2', 'not a time'],
    ]);
  });
});

describe('presentList', () => {
  it('keeps an event addressed to this screen', () => {
    const payload = { screenId: 'till', customers: [known('p1', '2026-03-10T09:00:00Z'), anonymous('b1', '2026-03-10T09:01:00Z')] };
    expect(presentList(payload, 'till')?.map((c) => c.key)).toEqual(['b1', 'p1']);
    expect(presentList(payload, 'till-2')).toBeNull();
  });

  it('reads the answer to a request, which is the bare list', () => {
    expect(presentList([known('p1', '2026-03-10T09:00:00Z')], null)).toHaveLength(1);
    expect(presentList({ customers: [] }, null)).toBeNull();
  });

  it('drops entries it cannot key or act on, and keeps the rest', () => {
    const payload = {
      screenId: 'till',
      customers: [
        known('p1', '2026-03-10T09:00:00Z'),
        { ...known('p2', '2026-03-10T09:00:00Z'), profileId: null },
        { ...anonymous('b2', '2026-03-10T09:00:00Z'), beaconId: '' },
        { key: 'x' },
        null,
        'p3',
      ],
    };
    expect(presentList(payload, 'till')?.map((c) => c.key)).toEqual(['p1']);
    expect(presentList(null, 'till')).toBeNull();
    expect(presentList({ screenId: 'till', customers: 'all' }, 'till')).toBeNull();
  });
});

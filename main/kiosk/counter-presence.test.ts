import { beforeEach, describe, expect, it } from 'vitest';
import type { PresentCustomer } from '../../protocol/kiosk';
import { CounterPresence, type PresentPerson } from './counter-presence';

const T0 = Date.parse('2026-03-10T08:30:00.000Z');
const MINUTE = 60_000;
const BEACON = 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-100-9';

const maya: PresentPerson = { key: 'p-maya', profileId: 'p-maya', displayName: 'Maya Okafor', tier: 'Gold', beaconId: null };
const mark: PresentPerson = { key: 'p-mark', profileId: 'p-mark', displayName: 'Mark Reid', tier: null, beaconId: null };
const anonymous: PresentPerson = { key: BEACON, profileId: null, displayName: null, tier: null, beaconId: BEACON };

describe('CounterPresence', () => {
  let changes: Array<{ screenId: string; customers: PresentCustomer[] }>;
  let presence: CounterPresence;
  const keys = (screenId = 'kiosk-1'): string[] => presence.list(screenId).map((c) => c.key);

  beforeEach(() => {
    changes = [];
    presence = new CounterPresence((screenId, customers) => changes.push({ screenId, customers }));
  });

  it('lists people newest first, per kiosk', () => {
    presence.arrived('kiosk-1', maya, 'beacon', T0);
    presence.arrived('kiosk-1', anonymous, 'beacon', T0 + 2 * MINUTE);
    presence.arrived('kiosk-1', mark, 'scan', T0 + MINUTE);
    presence.arrived('kiosk-2', mark, 'beacon', T0);
    expect(keys()).toEqual([BEACON, 'p-mark', 'p-maya']);
    expect(keys('kiosk-2')).toEqual(['p-mark']);
    expect(presence.list('kiosk-3')).toEqual([]);
  });

  it('describes known and anonymous people', () => {
    presence.arrived('kiosk-1', maya, 'scan', T0);
    presence.arrived('kiosk-1', anonymous, 'beacon', T0 + MINUTE);
    expect(presence.list('kiosk-1')).toEqual([
      { key: BEACON, kind: 'anonymous', profileId: null, displayName: null, tier: null, via: 'beacon', since: '2026-03-10T08:31:00.000Z', beaconId: BEACON },
      { key: 'p-maya', kind: 'known', profileId: 'p-maya', displayName: 'Maya Okafor', tier: 'Gold', via: 'scan', since: '2026-03-10T08:30:00.000Z', beaconId: null },
    ]);
  });

  it('never shows a known person\'s beacon id', () => {
    presence.arrived('kiosk-1', { ...maya, beaconId: BEACON }, 'beacon', T0);
    expect(presence.list('kiosk-1')[0]!.beaconId).toBeNull();
  });

  it('moves a person who arrives again to the top, once', () => {
    presence.arrived('kiosk-1', maya, 'beacon', T0);
    presence.arrived('kiosk-1', mark, 'beacon', T0 + MINUTE);
    presence.arrived('kiosk-1', maya, 'scan', T0 + 2 * MINUTE);
    expect(keys()).toEqual(['p-maya', 'p-mark']);
    expect(presence.list('kiosk-1')[0]).toMatchObject({ via: 'scan', since: '2026-03-10T08:32:00.000Z' });
  });

  it('removes a beacon entry when the beacon leaves, but keeps a scanned one', () => {
    presence.arrived('kiosk-1', anonymous, 'beacon', T0);
    presence.arrived('kiosk-1', maya, 'scan', T0);
    presence.left('kiosk-1', BEACON);
    expect(keys()).toEqual(['p-maya']);
    const before = changes.length;
    presence.left('kiosk-1', 'p-maya');
    expect(keys()).toEqual(['p-maya']);
    // Nothing changed, nothing announced; an unknown key or kiosk is ignored.
    presence.left('kiosk-1', 'nobody');
    presence.left('kiosk-9', 'p-maya');
    expect(changes).toHaveLength(before);
  });

  it('expires scanned entries after ten minutes, beacon entries stay until they leave', () => {
    presence.arrived('kiosk-1', maya, 'scan', T0);
    presence.arrived('kiosk-1', mark, 'scan', T0 + 5 * MINUTE);
    presence.arrived('kiosk-1', anonymous, 'beacon', T0);
    presence.prune(T0 + 10 * MINUTE);
    // Exactly ten minutes is not yet stale.
    expect(keys()).toEqual(['p-mark', 'p-maya', BEACON]);
    presence.prune(T0 + 10 * MINUTE + 1);
    expect(keys()).toEqual(['p-mark', BEACON]);
    presence.prune(T0 + 60 * MINUTE);
    expect(keys()).toEqual([BEACON]);
  });

  it('announces a prune only when it removed someone', () => {
    presence.arrived('kiosk-1', maya, 'scan', T0);
    const before = changes.length;
    presence.prune(T0 + MINUTE);
    expect(changes).toHaveLength(before);
    presence.prune(T0 + 11 * MINUTE);
    expect(changes.at(-1)).toEqual({ screenId: 'kiosk-1', customers: [] });
  });

  it('turns an anonymous beacon into the person it was linked to, keeping when they arrived', () => {
    presence.arrived('kiosk-1', mark, 'scan', T0 + MINUTE);
    presence.arrived('kiosk-1', anonymous, 'beacon', T0);
    presence.arrived('kiosk-2', anonymous, 'beacon', T0 + 3 * MINUTE);
    presence.identified(BEACON, maya);
    expect(presence.list('kiosk-1')).toEqual([
      expect.objectContaining({ key: 'p-mark' }),
      { key: 'p-maya', kind: 'known', profileId: 'p-maya', displayName: 'Maya Okafor', tier: 'Gold', via: 'beacon', since: '2026-03-10T08:30:00.000Z', beaconId: null },
    ]);
    expect(presence.list('kiosk-2')).toEqual([expect.objectContaining({ key: 'p-maya', kind: 'known', since: '2026-03-10T08:33:00.000Z' })]);
    // Still a beacon entry: it leaves when the beacon leaves (now under the profile id).
    presence.left('kiosk-2', 'p-maya');
    expect(presence.list('kiosk-2')).toEqual([]);
  });

  it('ignores identified() for a beacon that is not at any counter', () => {
    presence.arrived('kiosk-1', mark, 'beacon', T0);
    const before = changes.length;
    presence.identified(BEACON, maya);
    expect(keys()).toEqual(['p-mark']);
    expect(changes).toHaveLength(before);
  });

  it('removes a served customer', () => {
    presence.arrived('kiosk-1', maya, 'scan', T0);
    presence.arrived('kiosk-1', mark, 'beacon', T0 + MINUTE);
    presence.served('kiosk-1', 'p-maya');
    presence.served('kiosk-1', 'p-mark');
    expect(keys()).toEqual([]);
    const before = changes.length;
    presence.served('kiosk-1', 'p-maya');
    expect(changes).toHaveLength(before);
  });

  it('tells onChange the new list of the kiosk that changed, every time', () => {
    presence.arrived('kiosk-1', maya, 'scan', T0);
    presence.arrived('kiosk-2', anonymous, 'beacon', T0 + MINUTE);
    presence.arrived('kiosk-1', mark, 'beacon', T0 + 2 * MINUTE);
    presence.left('kiosk-1', 'p-mark');
    presence.identified(BEACON, mark);
    presence.served('kiosk-1', 'p-maya');
    presence.prune(T0 + 20 * MINUTE);
    expect(changes.map(({ screenId, customers }) => [screenId, customers.map((c) => c.key)])).toEqual([
      ['kiosk-1', ['p-maya']],
      ['kiosk-2', [BEACON]],
      ['kiosk-1', ['p-mark', 'p-maya']],
      ['kiosk-1', ['p-maya']],
      ['kiosk-2', ['p-mark']],
      ['kiosk-1', []],
    ]);
    // Each call carries the list as it is at that moment, not a live view.
    expect(changes[2]!.customers).toHaveLength(2);
  });

  it('lists at most 30 people', () => {
    for (let i = 0; i < 35; i++) {
      presence.arrived('kiosk-1', { key: `b-${i}`, profileId: null, displayName: null, tier: null, beaconId: `b-${i}` }, 'beacon', T0 + i);
    }
    const listed = keys();
    expect(listed).toHaveLength(30);
    expect(listed[0]).toBe('b-34');
    expect(listed.at(-1)).toBe('b-5');
  });
});

/**
 * ProfileWork against a real SQLite file: events and admin actions become profile
 * records and change rows for exactly the stores in scope.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../main/log/logger';
import { ChangeRecorder, type Pokes } from '../changes/change-recorder';
import { HybridLogicalClock } from '../clock/hlc';
import { openTempStorage, type TempStorage } from '../testing/temp-storage';
import type { ProfileEvent } from './profile-event';
import { ProfileEditError, ProfileWork, type IngestedEvent } from './profile-work';

const log = createLogger('profile-work-test', 'silent');
const DAY = 86_400_000;
const consents = { greetPublic: true, personalisedOffers: true, tracking: true };

describe('ProfileWork', () => {
  let temp: TempStorage;
  let now: Date;
  const hlc = new HybridLogicalClock('head-office', () => now.getTime());

  beforeEach(async () => {
    temp = openTempStorage();
    now = new Date('2030-05-01T12:00:00.000Z');
    for (const id of ['A', 'B', 'C']) await temp.storage.createStore({ id, name: id, region: null, createdAt: now.toISOString() });
  });
  afterEach(() => temp.cleanup());

  /** Runs work in a transaction, as the server does; returns its result and the stores to poke. */
  async function run<T>(work: (w: ProfileWork) => Promise<T>): Promise<{ result: T; pokes: Pokes }> {
    return temp.storage.transaction(async (tx) => {
      const changes = new ChangeRecorder(tx);
      const w = new ProfileWork({ tx, changes, hlc, scope: { recentVisitDays: 90 }, now, log });
      const result = await work(w);
      await w.finish();
      return { result, pokes: new Map(changes.pokes) };
    });
  }

  let seq = 0;
  const event = (storeId: string, userId: string, fact: ProfileEvent | null, at = now): IngestedEvent => ({
    messageId: `m${++seq}`, deviceId: `dev-${storeId}`, storeId, seq, userId, timestamp: at, fact,
  });
  const live = async (storeId: string) =>
    (await temp.storage.changesSince({ storeId, after: 0, collection: 'profiles' }, 100)).map((c) => `${c.op}:${c.key}`);

  it('creates an enrolled profile and sends it to its home store once it has an identifier', async () => {
    const { pokes } = await run(async (w) => {
      await w.applyEvent(event('A', 'p1', { type: 'enrolled', userId: 'p1', fields: { firstName: 'Maya', consents } }));
    });
    // No identifier yet: a store could not accept it, so it is held back.
    expect(pokes.size).toBe(0);
    await run((w) => w.applyEvent(event('A', 'p1', { type: 'linked', userId: 'p1', identifier: { kind: 'loyalty', value: 'L1' }, anonymousId: null })));
    expect(await live('A')).toEqual(['upsert:p1']);
    expect(await live('B')).toEqual([]);
    expect(await temp.storage.identifiersOf('p1')).toEqual([{ kind: 'loyalty', value: 'L1' }]);
  });

  it('brings a visited store into scope, and expiring the visit sends that store a tombstone', async () => {
    await run((w) => w.edit('p1', { firstName: 'Ann', identifiers: [{ kind: 'loyalty', value: 'L1' }], consents }));
    await run((w) => w.assign('A', 'p1', true));
    expect(await live('A')).toEqual(['upsert:p1']);

    const { pokes } = await run((w) => w.applyEvent(event('B', 'p1', { type: 'recognized', userId: 'p1', newVisit: true })));
    // Both stores get the new record (visitCount changed); B for the first time.
    expect([...pokes.keys()].sort()).toEqual(['A', 'B']);
    expect(await live('B')).toEqual(['upsert:p1']);

    // A plain event with nothing to change still records the visit (C now holds p1).
    await run((w) => w.applyEvent(event('C', 'p1', null)));
    expect(await live('C')).toEqual(['upsert:p1']);

    now = new Date(now.getTime() + 91 * DAY);
    const { result: expired, pokes: sweep } = await run((w) => w.expireVisits());
    expect(expired).toBe(1);
    expect([...sweep.keys()].sort()).toEqual(['B', 'C']);
    expect(await live('B')).toEqual(['delete:p1']);
    expect(await live('C')).toEqual(['delete:p1']);
    expect(await live('A')).toEqual(['upsert:p1']); // the home store keeps it
  });

  it('refuses an admin edit that would be invalid or take another profile’s identifier, writing nothing', async () => {
    await run((w) => w.edit('p1', { firstName: 'Ann', identifiers: [{ kind: 'loyalty', value: 'L1' }], consents }));
    await expect(run((w) => w.edit('p2', { firstName: 'Bo' }))).rejects.toThrow(ProfileEditError);
    await expect(run((w) => w.edit('p2', { firstName: 'Bo', identifiers: [{ kind: 'loyalty', value: 'L1' }] }))).rejects.toMatchObject({ status: 409 });
    expect(await temp.storage.getProfile('p2')).toBeUndefined();
    const { result } = await run((w) => w.edit('p1', { identifiers: [{ kind: 'email', value: 'ann@example.com' }] }));
    expect(result.profile.identifiers).toEqual([{ kind: 'email', value: 'ann@example.com' }]);
    expect(await temp.storage.identifierOwner({ kind: 'loyalty', value: 'L1' })).toBeUndefined();
  });

  it('records an identifier claimed by two profiles as a conflict without merging', async () => {
    await run((w) => w.edit('p1', { firstName: 'Ann', identifiers: [{ kind: 'loyalty', value: 'L1' }], consents }));
    await run((w) => w.edit('p2', { firstName: 'Bo', identifiers: [{ kind: 'loyalty', value: 'L2' }], consents }));
    let conflicts = 0;
    await temp.storage.transaction(async (tx) => {
      const w = new ProfileWork({ tx, changes: new ChangeRecorder(tx), hlc, scope: { recentVisitDays: 90 }, now: new Date(now.getTime() + 1000), log, onIdentifierConflict: () => (conflicts += 1) });
      await w.applyEvent(event('A', 'p2', { type: 'linked', userId: 'p2', identifier: { kind: 'loyalty', value: 'L1' }, anonymousId: null }, new Date(now.getTime() + 1000)));
      await w.finish();
    });
    expect(conflicts).toBe(1);
    expect(await temp.storage.identifierOwner({ kind: 'loyalty', value: 'L1' })).toBe('p1');
    expect(await temp.storage.identifierConflictsOf('p2')).toMatchObject([{ ownerProfileId: 'p1', claimantProfileId: 'p2', messageId: expect.any(String) }]);
  });

  it('erases: tombstones to every holder, events scrubbed, and a late enrolment cannot bring the person back', async () => {
    await run((w) => w.edit('p1', { firstName: 'Ann', identifiers: [{ kind: 'loyalty', value: 'L1' }], consents }));
    await run(async (w) => {
      await w.assign('A', 'p1', false);
      await w.assign('B', 'p1', true);
    });
    await temp.storage.insertEvent({
      messageId: 'e1', deviceId: 'd', storeId: 'A', seq: 1, event: 'Zone Entered', userId: 'p1', anonymousId: null,
      originalTimestamp: now.toISOString(), sentAt: null, receivedAt: now.toISOString(), timestamp: now.toISOString(), payload: null,
    });
    const { result } = await run((w) => w.erase('p1'));
    expect(result).toEqual({ tombstones: ['A', 'B'] });
    expect(await live('A')).toEqual(['delete:p1']);
    expect(await live('B')).toEqual(['delete:p1']);
    expect(await temp.storage.getEvent('e1')).toMatchObject({ userId: null, payload: null });
    expect(await temp.storage.identifierOwner({ kind: 'loyalty', value: 'L1' })).toBeUndefined();

    await run((w) => w.applyEvent(event('A', 'p1', { type: 'enrolled', userId: 'p1', fields: { firstName: 'Ann', consents } })));
    expect(await temp.storage.getProfile('p1')).toBeUndefined();
    expect(await run((w) => w.erase('p1'))).toMatchObject({ result: undefined });
  });
});

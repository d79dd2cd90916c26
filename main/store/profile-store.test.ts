import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from './database';
import { normalizeIdentifier } from './identifier-normalize';
import { IdentifierConflictError, ProfileStore } from './profile-store';
import type { ProfileRecord } from './profile-store';
import { VisitStore } from './visit-store';

function profile(overrides: Partial<ProfileRecord> = {}): ProfileRecord {
  return {
    id: 'p-1',
    firstName: 'Maya',
    lastName: 'Okafor',
    birthday: '1990-04-12',
    memberSince: '2021-03-02',
    tier: 'Gold',
    points: 1240,
    lastVisitAt: '2026-01-10T08:15:00.000Z',
    visitCount: 5,
    purchaseSummary: { favouriteItems: [{ sku: 'flat-white', name: 'Flat white', count: 12 }], lifetimeValue: 321.5, orderCount: 40 },
    consents: { greetPublic: true, personalisedOffers: false, tracking: true },
    identifiers: [
      { kind: 'loyalty', value: '2001234567893' },
      { kind: 'beacon', value: 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-100-1' },
      { kind: 'app', value: 'app-maya' },
      { kind: 'email', value: 'maya@example.com' },
      { kind: 'phone', value: '+442079460000' },
    ],
    ...overrides,
  };
}

describe('ProfileStore', () => {
  let dir: string;
  let db: Db;
  let store: ProfileStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-profiles-'));
    db = openDatabase(join(dir, 'store.db'));
    store = new ProfileStore(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds a profile by each kind of identifier, and by id', () => {
    store.save(profile());
    const found = [
      store.findByIdentifier('loyalty', '2001234567893'),
      store.findByIdentifier('beacon', 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-100-1'),
      store.findByIdentifier('app', 'app-maya'),
      store.findByIdentifier('email', 'maya@example.com'),
      store.findByIdentifier('phone', '+442079460000'),
      store.findById('p-1'),
    ];
    for (const p of found) expect(p?.id).toBe('p-1');
    expect(found[0]).toEqual({
      id: 'p-1',
      firstName: 'Maya',
      lastName: 'Okafor',
      birthday: '1990-04-12',
      memberSince: '2021-03-02',
      tier: 'Gold',
      points: 1240,
      lastVisitAt: '2026-01-10T08:15:00.000Z',
      previousVisitAt: null,
      visitCount: 5,
      purchaseSummary: { favouriteItems: [{ sku: 'flat-white', name: 'Flat white', count: 12 }], lifetimeValue: 321.5, orderCount: 40 },
      allergies: [],
      preferences: [],
      consents: { greetPublic: true, personalisedOffers: false, tracking: true },
      greetings: [],
    });
  });

  it('keeps the greetings head office remembers for the profile, newest first', () => {
    const greetings = [
      { ruleId: 'birthday', shownAt: '2026-01-10T08:16:00.000Z' },
      { ruleId: 'welcome-back', shownAt: '2025-12-01T10:00:00.000Z' },
    ];
    store.replaceFromHeadOffice({ ...profile(), greetings });
    expect(store.findById('p-1')?.greetings).toEqual(greetings);
    store.replaceFromHeadOffice({ ...profile(), greetings: [] });
    expect(store.findById('p-1')?.greetings).toEqual([]);
  });

  it('does not find by a value of another kind, or an unknown value', () => {
    store.save(profile());
    expect(store.findByIdentifier('loyalty', 'app-maya')).toBeUndefined();
    expect(store.findByIdentifier('email', 'nobody@example.com')).toBeUndefined();
    expect(store.findById('p-2')).toBeUndefined();
  });

  it('stores absent optional fields as null', () => {
    store.save({
      id: 'p-min',
      firstName: 'Min',
      points: 0,
      visitCount: 0,
      consents: { greetPublic: false, personalisedOffers: false, tracking: false },
      identifiers: [{ kind: 'loyalty', value: 'L-MIN' }],
    });
    expect(store.findById('p-min')).toEqual({
      id: 'p-min',
      firstName: 'Min',
      lastName: null,
      birthday: null,
      memberSince: null,
      tier: null,
      points: 0,
      lastVisitAt: null,
      previousVisitAt: null,
      visitCount: 0,
      purchaseSummary: null,
      allergies: [],
      preferences: [],
      consents: { greetPublic: false, personalisedOffers: false, tracking: false },
      greetings: [],
    });
  });

  it('upsert replaces fields and the identifier set without adding a profile', () => {
    store.save(profile());
    store.save(profile({ firstName: 'Maia', points: 7, identifiers: [{ kind: 'loyalty', value: 'NEW-CARD' }] }));
    expect(store.countProfiles()).toBe(1);
    expect(store.findByIdentifier('loyalty', 'NEW-CARD')?.firstName).toBe('Maia');
    expect(store.findByIdentifier('loyalty', '2001234567893')).toBeUndefined();
    expect(store.findByIdentifier('email', 'maya@example.com')).toBeUndefined();
    expect(db.prepare('SELECT count(*) AS n FROM identifiers').get()).toEqual({ n: 1 });
    // the identifier it gave up is free for someone else now
    store.save(profile({ id: 'p-2', identifiers: [{ kind: 'loyalty', value: '2001234567893' }] }));
    expect(store.findByIdentifier('loyalty', '2001234567893')?.id).toBe('p-2');
  });

  it('refuses an identifier owned by another profile and writes nothing', () => {
    store.save(profile());
    const intruder = profile({ id: 'p-2', firstName: 'Other', identifiers: [{ kind: 'app', value: 'own' }, { kind: 'email', value: 'maya@example.com' }] });
    let caught: unknown;
    try {
      store.save(intruder);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IdentifierConflictError);
    expect((caught as IdentifierConflictError).ownerId).toBe('p-1');
    expect((caught as Error).message).toBe('identifier email:maya@example.com already belongs to profile p-1');
    expect(store.findById('p-2')).toBeUndefined();
    expect(store.findByIdentifier('app', 'own')).toBeUndefined();
    expect(store.countProfiles()).toBe(1);
  });

  it('tolerates the same identifier twice in one profile', () => {
    store.save(profile({ identifiers: [{ kind: 'loyalty', value: 'X1' }, { kind: 'loyalty', value: 'X1' }] }));
    expect(store.findByIdentifier('loyalty', 'X1')?.id).toBe('p-1');
  });

  it('recordVisit increments the count and moves the last visit', () => {
    store.save(profile({ visitCount: 5, lastVisitAt: '2026-01-10T08:15:00.000Z' }));
    store.recordVisit('p-1', new Date('2026-02-01T09:00:00Z'));
    store.recordVisit('p-1', new Date('2026-02-03T10:30:00Z'));
    const p = store.findById('p-1')!;
    expect(p.visitCount).toBe(7);
    expect(p.lastVisitAt).toBe('2026-02-03T10:30:00.000Z');
    // an unknown id changes nothing
    store.recordVisit('nobody', new Date('2026-02-04T00:00:00Z'));
    expect(store.countProfiles()).toBe(1);
  });

  it('countProfiles counts', () => {
    expect(store.countProfiles()).toBe(0);
    store.save(profile());
    store.save(profile({ id: 'p-2', identifiers: [{ kind: 'loyalty', value: 'L2' }] }));
    expect(store.countProfiles()).toBe(2);
  });
});

describe('normalizeIdentifier', () => {
  it.each([
    ['beacon', 'iBeacon:426C7565-4368-6172-6D42-6561636F6E73-3838-4949', 'ibeacon:426c7565-4368-6172-6d42-6561636f6e73-3838-4949'],
    ['beacon', '  C3:A1:F0:B2:D4:E5 ', 'mac:c3a1f0b2d4e5'],
    ['email', ' Maya.Okafor@Example.COM ', 'maya.okafor@example.com'],
    ['phone', '+44 (0)20 7946-0000', '+442079460000'],
    ['phone', '+442079460000', '+442079460000'],
    ['phone', '(020) 7946.0000', '02079460000'],
    ['loyalty', ' LC-2024/0017 ', 'LC-2024/0017'],
    ['app', 'app_123', 'app_123'],
  ] as const)('%s %j → %j', (kind, raw, expected) => {
    expect(normalizeIdentifier(kind, raw)).toBe(expected);
  });

  it.each([
    ['email', 'not-an-email'],
    ['email', 'a b@example.com'],
    ['phone', '12345'],
    ['phone', 'call me'],
    ['beacon', 'iBeacon:zz-1-2'],
    ['loyalty', 'é-card'],
    ['loyalty', '   '],
    ['app', 'x'.repeat(129)],
  ] as const)('%s %j is refused', (kind, raw) => {
    expect(normalizeIdentifier(kind, raw)).toBeNull();
  });
});

describe('VisitStore', () => {
  let dir: string;
  let db: Db;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-visits-'));
    db = openDatabase(join(dir, 'store.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('continues a visit within the gap and opens a new one after it', () => {
    const visits = new VisitStore(db);
    const gap = 30 * 60_000;
    const t0 = Date.parse('2026-03-01T10:00:00Z');
    const a = visits.touch('p-1', new Date(t0), gap);
    expect(a.isNew).toBe(true);
    const b = visits.touch('p-1', new Date(t0 + 20 * 60_000), gap);
    expect(b).toEqual({ visitId: a.visitId, isNew: false });
    // the gap counts from the last sighting, not from the start
    const c = visits.touch('p-1', new Date(t0 + 50 * 60_000), gap);
    expect(c).toEqual({ visitId: a.visitId, isNew: false });
    const d = visits.touch('p-1', new Date(t0 + 80 * 60_000 + 1), gap);
    expect(d.isNew).toBe(true);
    expect(d.visitId).not.toBe(a.visitId);
    // another subject has its own visit
    expect(visits.touch('p-2', new Date(t0 + 80 * 60_000 + 1), gap).isNew).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM visits').get()).toEqual({ n: 3 });
  });
});

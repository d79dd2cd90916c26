import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Identifier } from '../../protocol/identifiers';
import { openDatabase, type Db } from '../store/database';
import { ProfileStore, type ProfileRecord } from '../store/profile-store';
import { ftsPrefixQuery, ProfileSearch } from './profile-search';

const CONSENTS = { greetPublic: false, personalisedOffers: false, tracking: false };

function profile(id: string, firstName: string, lastName: string | undefined, identifiers: Identifier[] = [], tier?: string): ProfileRecord {
  return {
    id, firstName, ...(lastName ? { lastName } : {}), ...(tier ? { tier } : {}),
    points: 0, visitCount: 0, consents: CONSENTS, identifiers,
  };
}

describe('ftsPrefixQuery', () => {
  it('turns each word into a quoted prefix term and drops everything else', () => {
    expect(ftsPrefixQuery('ma ok')).toBe('"ma"* "ok"*');
    expect(ftsPrefixQuery('"ma" OR ok*')).toBe('"ma"* "OR"* "ok"*');
    expect(ftsPrefixQuery("o'brien")).toBe('"obrien"*');
    expect(ftsPrefixQuery('NEAR(ma, 2)')).toBe('"NEAR"* "ma"* "2"*');
  });

  it('keeps at most four words and returns null when nothing is left', () => {
    expect(ftsPrefixQuery('a b c d e f')).toBe('"a"* "b"* "c"* "d"*');
    expect(ftsPrefixQuery('  ')).toBeNull();
    expect(ftsPrefixQuery('"*:^()')).toBeNull();
  });
});

describe('ProfileSearch', () => {
  let dir: string;
  let db: Db;
  let profiles: ProfileStore;
  let search: ProfileSearch;

  const names = (query: string): string[] => search.search(query).map((hit) => hit.displayName);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-search-'));
    db = openDatabase(join(dir, 'store.db'));
    profiles = new ProfileStore(db);
    profiles.save(profile('p-maya', 'Maya', 'Okafor', [
      { kind: 'loyalty', value: '2001234567893' },
      { kind: 'phone', value: '+447700900123' },
    ], 'Gold'));
    profiles.save(profile('p-mark', 'Mark', 'Reid', [{ kind: 'phone', value: '+447711220123' }]));
    profiles.save(profile('p-omar', 'Omar', 'Haddad', [{ kind: 'loyalty', value: 'LC-2024/0017' }]));
    profiles.save(profile('p-zoe', 'Zoë', 'Martin'));
    profiles.save(profile('p-bo', 'Bo', undefined));
    search = new ProfileSearch(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds names by prefix of any name, sorted by name, never by an inner substring', () => {
    // "ma" starts Maya, Mark and Martin; Omar only contains it.
    expect(names('ma')).toEqual(['Mark Reid', 'Maya Okafor', 'Zoë Martin']);
    expect(names('mar')).toEqual(['Mark Reid', 'Zoë Martin']);
    expect(names('omar')).toEqual(['Omar Haddad']);
    expect(names('okaf')).toEqual(['Maya Okafor']);
  });

  it('describes a hit for the kiosk: display name, tier, masked phone, what matched', () => {
    expect(search.search('maya')).toEqual([
      { profileId: 'p-maya', displayName: 'Maya Okafor', tier: 'Gold', maskedPhone: '••• 0123', matched: 'name' },
    ]);
    expect(search.search('bo')).toEqual([{ profileId: 'p-bo', displayName: 'Bo', tier: null, maskedPhone: null, matched: 'name' }]);
  });

  it('needs every word of a two-word query to match', () => {
    expect(names('ma ok')).toEqual(['Maya Okafor']);
    expect(names('ok ma')).toEqual(['Maya Okafor']);
    expect(names('mar re')).toEqual(['Mark Reid']);
    expect(names('ma zz')).toEqual([]);
  });

  it('ignores accents and case', () => {
    expect(names('zoe')).toEqual(['Zoë Martin']);
    expect(names('ZOË')).toEqual(['Zoë Martin']);
    expect(names('Zoe Mar')).toEqual(['Zoë Martin']);
    expect(names('MAYA')).toEqual(['Maya Okafor']);
    expect(names('mAyA oKaFoR')).toEqual(['Maya Okafor']);
  });

  it('treats FTS5 syntax in the input as text and never throws', () => {
    const hostile = [
      '"', '""', '*', 'ma*', '*ma', 'NEAR(', 'NEAR(ma ok, 2)', 'OR', 'ma OR omar', 'AND', 'NOT', 'ma NOT ok', '-', '--', '-ma',
      ':', 'names:ma', '^ma', '(', ')', '{names}:ma', '+', "'", "' OR 1=1 --", '\\', '%', '_', 'ma"', '"ma', 'ma" OR "omar',
      'a'.repeat(64), '\u0000', 'é', '💥', '. . .',
    ];
    for (const query of hostile) {
      let hits: unknown;
      expect(() => {
        hits = search.search(query);
      }, query).not.toThrow();
      expect(Array.isArray(hits), query).toBe(true);
    }
    // The words still count: quotes and operators do not turn the search into something else.
    expect(names('ma"')).toEqual(names('ma'));
    expect(names('ma OR omar')).toEqual([]);
    expect(names('names:maya')).toEqual([]);
    expect(names('maya*')).toEqual(['Maya Okafor']);
  });

  it('finds a customer by the last four digits of their phone, and a longer tail narrows', () => {
    const tail = search.search('0123');
    expect(tail.map((hit) => hit.profileId).sort()).toEqual(['p-mark', 'p-maya']);
    expect(tail.every((hit) => hit.matched === 'phone')).toBe(true);
    expect(tail.find((hit) => hit.profileId === 'p-maya')?.maskedPhone).toBe('••• 0123');

    expect(search.search('900123').map((hit) => hit.profileId)).toEqual(['p-maya']);
    expect(search.search('20123').map((hit) => hit.profileId)).toEqual(['p-mark']);
    expect(search.search('7700 900 123').map((hit) => hit.profileId)).toEqual(['p-maya']);
    expect(search.search('+44 7700 900123').map((hit) => hit.profileId)).toEqual(['p-maya']);
    expect(search.search('(7700) 900-123').map((hit) => hit.profileId)).toEqual(['p-maya']);
    expect(search.search('5550123')).toEqual([]);
    expect(search.search('9999')).toEqual([]);
  });

  it('does not search names for a number, nor phones for fewer than four digits', () => {
    expect(search.search('123')).toEqual([]);
    expect(search.search('01')).toEqual([]);
  });

  it('finds a loyalty number exactly, and only exactly', () => {
    expect(search.search('2001234567893')).toEqual([
      { profileId: 'p-maya', displayName: 'Maya Okafor', tier: 'Gold', maskedPhone: '••• 0123', matched: 'loyalty' },
    ]);
    expect(search.search(' LC-2024/0017 ')).toMatchObject([{ profileId: 'p-omar', matched: 'loyalty' }]);
    expect(search.search('200123456789')).toEqual([]);
    expect(search.search('LC-2024/001')).toEqual([]);
    expect(search.search('lc-2024/0017')).toEqual([]);
  });

  it('returns at most 20 hits', () => {
    const many = db.transaction(() => {
      for (let i = 0; i < 25; i++) {
        profiles.save(profile(`p-sam-${i}`, 'Sam', `Tester${String(i).padStart(2, '0')}`, [{ kind: 'phone', value: `+4477009${String(i).padStart(2, '0')}4242` }]));
      }
    });
    many();
    expect(search.search('sam')).toHaveLength(20);
    expect(search.search('sam tester1')).toHaveLength(10);
    expect(search.search('4242')).toHaveLength(20);
    expect(search.search('4242').every((hit) => hit.matched === 'phone')).toBe(true);
  });

  it('finds a renamed profile by its new name only', () => {
    profiles.save(profile('p-maya', 'Nia', 'Adeyemi', [{ kind: 'phone', value: '+447700900123' }], 'Gold'));
    expect(names('maya')).toEqual([]);
    expect(names('okafor')).toEqual([]);
    expect(names('nia')).toEqual(['Nia Adeyemi']);
    expect(names('adey')).toEqual(['Nia Adeyemi']);
    // Head office renaming the profile keeps the index current too (ProfileStore keeps it, not a trigger).
    profiles.replaceFromHeadOffice(profile('p-maya', 'Nia', 'Okoro', [{ kind: 'phone', value: '+447700900123' }], 'Gold'));
    expect(names('adeyemi')).toEqual([]);
    expect(names('nia ok')).toEqual(['Nia Okoro']);
    // Other columns changing do not disturb the index.
    profiles.replaceFromHeadOffice({ ...profile('p-maya', 'Nia', 'Okoro', [{ kind: 'phone', value: '+447700900123' }], 'Gold'), points: 99 });
    expect(names('nia')).toEqual(['Nia Okoro']);
    expect(db.prepare("SELECT count(*) AS n FROM profile_names WHERE profile_names MATCH 'nia'").get()).toEqual({ n: 1 });
  });

  it('forgets a deleted profile: name, phone and card', () => {
    expect(profiles.delete('p-maya')).toBe(true);
    expect(names('maya')).toEqual([]);
    expect(db.prepare("SELECT count(*) AS n FROM phone_tails WHERE profile_id = 'p-maya'").get()).toEqual({ n: 0 });
    expect(names('ma')).toEqual(['Mark Reid', 'Zoë Martin']);
    expect(search.search('900123')).toEqual([]);
    expect(search.search('0123').map((hit) => hit.profileId)).toEqual(['p-mark']);
    expect(search.search('2001234567893')).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM profile_names').get()).toEqual({ n: 4 });
  });

  it('follows a phone that head office moved to another profile', () => {
    profiles.replaceFromHeadOffice(profile('p-maya', 'Maya', 'Okafor', [{ kind: 'phone', value: '+447700907777' }]));
    profiles.replaceFromHeadOffice(profile('p-mark', 'Mark', 'Reid', [{ kind: 'phone', value: '+447700907777' }]));
    expect(search.search('7777').map((hit) => hit.profileId)).toEqual(['p-mark']);
    expect(db.prepare("SELECT profile_id FROM phone_tails WHERE tail = '7777'").all()).toEqual([{ profile_id: 'p-mark' }]);
  });

  it('drops a phone that was replaced on re-import', () => {
    profiles.save(profile('p-maya', 'Maya', 'Okafor', [{ kind: 'phone', value: '+447700905555' }]));
    expect(search.search('900123')).toEqual([]);
    expect(search.search('5555').map((hit) => hit.profileId)).toEqual(['p-maya']);
  });

  it('runs its queries on indexes, never a scan of profiles', () => {
    // Capture the statements ProfileSearch really prepares, then ask SQLite how it runs them.
    const prepared: string[] = [];
    const spy = new Proxy(db, {
      get(target, property, receiver) {
        if (property === 'prepare') {
          return (sql: string) => {
            prepared.push(sql);
            return target.prepare(sql);
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    new ProfileSearch(spy);
    const plan = (sql: string, ...params: unknown[]): string =>
      db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`).all(...params).map((row) => row.detail).join('\n');

    const byName = prepared.find((sql) => sql.includes('MATCH'));
    const byPhone = prepared.find((sql) => sql.includes('phone_tails'));
    const byLoyalty = prepared.find((sql) => sql.includes("i.kind = 'loyalty'"));
    expect(byName && byPhone && byLoyalty).toBeTruthy();

    const namePlan = plan(byName!, '"ma"*', 20);
    expect(namePlan).toMatch(/VIRTUAL TABLE INDEX/);
    expect(namePlan).toMatch(/SEARCH p USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(namePlan).not.toMatch(/SCAN (p|profiles)\b(?! VIRTUAL)/);

    const phonePlan = plan(byPhone!, '0123', '%900123', 20);
    expect(phonePlan).toMatch(/SEARCH t USING PRIMARY KEY \(tail=\?/);
    expect(phonePlan).not.toMatch(/SCAN/);

    const loyaltyPlan = plan(byLoyalty!, '2001234567893');
    expect(loyaltyPlan).toMatch(/SEARCH i USING PRIMARY KEY \(kind=\? AND value=\?\)/);
    expect(loyaltyPlan).not.toMatch(/SCAN/);
  });
});

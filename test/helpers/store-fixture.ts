/** Test customers and a data dir holding them in a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProfileInput } from '../../protocol/profile';
import { profileSchema, type Profile } from '../../protocol/profile';
import { openDatabase } from '../../main/store/database';
import { ProfileStore } from '../../main/store/profile-store';

export const UUID = '426c7565-4368-6172-6d42-6561636f6e73';
export const espresenseId = (minor: number): string => `iBeacon:${UUID}-7-${minor}`;
export const canonicalBeacon = (minor: number): string => `ibeacon:${UUID}-7-${minor}`;

const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString();

export const CUSTOMERS = {
  lapsed: {
    id: 'p-lapsed', firstName: 'Maya', lastName: 'Okafor', visitCount: 12, lastVisitAt: daysAgo(40),
    tier: 'Gold', points: 1240, allergies: ['peanuts'], preferences: ['extra hot'],
    consents: { greetPublic: true, personalisedOffers: true, tracking: true },
    identifiers: [
      { kind: 'beacon', value: canonicalBeacon(1) },
      { kind: 'loyalty', value: '2001234567893' },
      { kind: 'email', value: 'maya.okafor@example.com' },
      { kind: 'phone', value: '+447700900123' },
    ],
  },
  private: {
    id: 'p-private', firstName: 'Hiro', lastName: 'Tanaka', visitCount: 30, lastVisitAt: daysAgo(50),
    consents: { greetPublic: false, personalisedOffers: false, tracking: true },
    identifiers: [{ kind: 'beacon', value: canonicalBeacon(2) }, { kind: 'loyalty', value: '2005555555553' }],
  },
  regular: {
    id: 'p-regular', firstName: 'Leo', lastName: 'Martin', visitCount: 9, lastVisitAt: daysAgo(2),
    consents: { greetPublic: true, personalisedOffers: true, tracking: true },
    identifiers: [{ kind: 'beacon', value: canonicalBeacon(3) }, { kind: 'loyalty', value: 'LOY-7781/B' }],
  },
  scanned: {
    id: 'p-scanned', firstName: 'Sofia', lastName: 'Rossi', visitCount: 1, lastVisitAt: daysAgo(3),
    consents: { greetPublic: true, personalisedOffers: true, tracking: true },
    identifiers: [{ kind: 'loyalty', value: '2009876543213' }],
  },
} satisfies Record<string, ProfileInput>;

const seeded: string[] = [];

export function seededDataDir(customers: ProfileInput[] = Object.values(CUSTOMERS)): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'soo-agent-'));
  seeded.push(dataDir);
  const db = openDatabase(join(dataDir, 'store.db'));
  const store = new ProfileStore(db);
  db.transaction(() => {
    for (const customer of customers) store.save(profileSchema.parse(customer) as Profile);
  })();
  db.close();
  return dataDir;
}

/** Removes the data dirs seededDataDir made so far: call it once the agents using them have stopped. */
export function removeSeededDataDirs(): void {
  for (const dir of seeded.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A head-office data directory whose change log holds `count` profiles of one store,
 * written straight into it before the server opens it (that many admin PUTs would be slow).
 * The profiles are b-0…: first name Big<i>, loyalty BIG-<i>, points i.
 */
import { join } from 'node:path';
import { DATABASE_FILE } from '../../sync-server/server';
import { openSqliteStorage } from '../../sync-server/storage/sqlite-storage';

export function bigStoreProfile(i: number) {
  return {
    id: `b-${i}`,
    firstName: `Big${i}`,
    lastName: 'Test',
    points: i,
    visitCount: 3,
    consents: { greetPublic: true, personalisedOffers: true, tracking: true },
    identifiers: [{ kind: 'loyalty', value: `BIG-${i}` }],
  };
}

export async function seedHeadOffice(dataDir: string, storeId: string, count: number): Promise<void> {
  const storage = openSqliteStorage(join(dataDir, DATABASE_FILE));
  try {
    await storage.createStore({ id: storeId, name: `Store ${storeId}`, region: null, createdAt: new Date().toISOString() });
    await storage.transaction(async (tx) => {
      for (let i = 0; i < count; i++) {
        const data = bigStoreProfile(i);
        await tx.putChange({ storeId, collection: 'profiles', key: data.id, op: 'upsert', data });
      }
    });
  } finally {
    await storage.close();
  }
}

/** This device's identity at head office, from pairing; kept in the store's SQLite file. */
import type { Db } from '../store/database';

export interface DeviceCredential {
  serverUrl: string;
  deviceId: string;
  storeId: string;
  credential: string;
  pairedAt: string;
}

export function readCredential(db: Db): DeviceCredential | undefined {
  const row = db
    .prepare<[], { server_url: string; device_id: string; store_id: string; credential: string; paired_at: string }>(
      'SELECT server_url, device_id, store_id, credential, paired_at FROM device_credential WHERE id = 1',
    )
    .get();
  return row
    ? { serverUrl: row.server_url, deviceId: row.device_id, storeId: row.store_id, credential: row.credential, pairedAt: row.paired_at }
    : undefined;
}

export function saveCredential(db: Db, credential: DeviceCredential): void {
  db.prepare(
    `INSERT INTO device_credential (id, server_url, device_id, store_id, credential, paired_at) VALUES (1, ?, ?, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET server_url = excluded.server_url, device_id = excluded.device_id,
       store_id = excluded.store_id, credential = excluded.credential, paired_at = excluded.paired_at`,
  ).run(credential.serverUrl, credential.deviceId, credential.storeId, credential.credential, credential.pairedAt);
}

/** A revoked or unknown credential is useless: forget it so a new pairing code can be entered. */
export function forgetCredential(db: Db): void {
  db.prepare('DELETE FROM device_credential WHERE id = 1').run();
}

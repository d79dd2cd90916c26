/**
 * Adding a device and pairing it. The admin adds a device to a store and gets a one-time
 * code; the device trades the code for its own credential. Head office keeps only hashes
 * of both, so neither can be read back from the database.
 */
import { randomUUID } from 'node:crypto';
import type { PairRequest, PairResponse } from '../../protocol/sync';
import type { SyncStorage } from '../storage/sync-storage';
import { generateCredential, hashCredential } from './device-credential';
import { generatePairingCode, hashPairingCode } from './pairing-code';

export interface PairingOptions {
  storage: SyncStorage;
  /** The HMAC key for pairing codes; kept outside the database. */
  codeKey: Buffer;
  codeTtlMs: number;
  now: () => number;
}

export interface NewDevice {
  deviceId: string;
  pairingCode: string;
  expiresAt: string;
}

export type PairOutcome = { ok: true; pairing: PairResponse } | { ok: false; reason: string };

/** One answer for every refusal, so a caller cannot probe which codes exist. */
export const PAIRING_REFUSED = 'the pairing code is unknown, already used or expired';

export class PairingService {
  constructor(private readonly options: PairingOptions) {}

  /** Undefined when the store does not exist. */
  async addDevice(storeId: string, name: string): Promise<NewDevice | undefined> {
    const { storage, codeKey, codeTtlMs, now } = this.options;
    return storage.transaction(async (tx) => {
      if (!(await tx.getStore(storeId))) return undefined;
      const createdAt = new Date(now());
      const expiresAt = new Date(createdAt.getTime() + codeTtlMs).toISOString();
      const deviceId = randomUUID();
      await tx.createDevice({ id: deviceId, storeId, name, createdAt: createdAt.toISOString() });
      // A clash with a live code is vanishingly rare; draw again rather than fail.
      for (;;) {
        const pairingCode = generatePairingCode();
        const stored = await tx.createPairingCode({
          codeHash: hashPairingCode(pairingCode, codeKey), deviceId, createdAt: createdAt.toISOString(), expiresAt, usedAt: null,
        });
        if (stored) return { deviceId, pairingCode, expiresAt };
      }
    });
  }

  /** Consumes the code and issues the device's credential, or refuses. */
  async pair(request: PairRequest): Promise<PairOutcome> {
    const { storage, codeKey, now } = this.options;
    const codeHash = hashPairingCode(request.code, codeKey);
    return storage.transaction(async (tx): Promise<PairOutcome> => {
      const at = new Date(now());
      const code = await tx.getPairingCode(codeHash);
      if (!code || code.usedAt !== null || Date.parse(code.expiresAt) <= at.getTime()) return { ok: false, reason: PAIRING_REFUSED };
      const device = await tx.getDevice(code.deviceId);
      if (!device || device.revokedAt !== null || device.pairedAt !== null) return { ok: false, reason: PAIRING_REFUSED };
      if (!(await tx.consumePairingCode(codeHash, at.toISOString()))) return { ok: false, reason: PAIRING_REFUSED };
      const credential = generateCredential();
      await tx.completePairing({
        deviceId: device.id,
        credentialHash: hashCredential(credential),
        reportedName: request.deviceName ?? null,
        appVersion: request.appVersion ?? null,
        pairedAt: at.toISOString(),
      });
      return { ok: true, pairing: { deviceId: device.id, storeId: device.storeId, credential } };
    });
  }
}

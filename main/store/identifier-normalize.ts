/**
 * Identifiers in canonical form, so an import, a scan and a gateway sighting of the same
 * thing meet on one key.
 */
import type { IdentifierKind } from '../../protocol/identifiers';
import { normalizeBeaconId } from '../ingestion/beacon-id';

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function normalizeIdentifier(kind: IdentifierKind, raw: string): string | null {
  const value = raw.trim();
  if (value === '') return null;
  switch (kind) {
    case 'beacon':
      return normalizeBeaconId(value);
    case 'email':
      return EMAIL.test(value) ? value.toLowerCase() : null;
    case 'phone': {
      // Keep a leading + and the digits: "+44 (0)20 7946-0000" and "+442079460000" are one phone.
      const digits = value.replace(/\(0\)/g, '').replace(/[\s().-]/g, '');
      return /^\+?\d{6,15}$/.test(digits) ? digits : null;
    }
    case 'loyalty':
    case 'app':
      return /^[\x20-\x7e]{1,128}$/.test(value) ? value : null;
  }
}

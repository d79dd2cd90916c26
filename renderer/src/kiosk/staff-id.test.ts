import { describe, expect, it } from 'vitest';
import { loadStaffId, normaliseStaffId, saveStaffId, STAFF_ID_KEY } from './staff-id';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

describe('staff id', () => {
  it('is remembered trimmed, and forgotten when cleared', () => {
    const storage = new MemoryStorage();
    saveStaffId(storage, '  S-104 ');
    expect(storage.items.get(STAFF_ID_KEY)).toBe('S-104');
    expect(loadStaffId(storage)).toBe('S-104');
    saveStaffId(storage, '   ');
    expect(loadStaffId(storage)).toBe('');
  });

  it('keeps to the length the agent takes', () => {
    expect(normaliseStaffId('x'.repeat(60))).toHaveLength(40);
  });

  it('works on without storage', () => {
    const broken = {
      getItem: (): string => {
        throw new Error('SecurityError');
      },
      setItem: (): void => {
        throw new Error('QuotaExceededError');
      },
      removeItem: (): void => {},
    };
    expect(loadStaffId(broken)).toBe('');
    expect(() => saveStaffId(broken, 'S-1')).not.toThrow();
    expect(loadStaffId(null)).toBe('');
  });
});

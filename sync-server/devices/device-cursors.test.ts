/** DeviceCursors on real storage: many pulls, one write; the newest value readable before it; nothing lost when a write fails. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempStorage, type TempStorage } from '../testing/temp-storage';
import type { StorageOps } from '../storage/sync-storage';
import { DeviceCursors } from './device-cursors';

describe('DeviceCursors', () => {
  let temp: TempStorage;
  beforeEach(async () => {
    temp = openTempStorage();
    await temp.storage.createStore({ id: 'A', name: 'A', region: null, createdAt: '2030-01-01T00:00:00.000Z' });
    for (const id of ['d1', 'd2']) await temp.storage.createDevice({ id, storeId: 'A', name: id, createdAt: '2030-01-01T00:00:00.000Z' });
  });
  afterEach(() => temp.cleanup());

  const stored = async (id: string) => (await temp.storage.listDevices()).find((d) => d.id === id)?.lastCursor;

  it('keeps the newest cursor per device and writes them all in one transaction', async () => {
    const cursors = new DeviceCursors();
    cursors.note('d1', 5, '2030-01-01T00:00:01.000Z');
    cursors.note('d1', 9, '2030-01-01T00:00:02.000Z');
    cursors.note('d2', 7, '2030-01-01T00:00:02.000Z');
    expect(cursors.current('d1')).toEqual({ cursor: 9, at: '2030-01-01T00:00:02.000Z' });
    expect(await stored('d1')).toBeNull();

    let transactions = 0;
    const counting = { transaction: <T>(work: (tx: StorageOps) => Promise<T>) => (transactions++, temp.storage.transaction(work)) };
    expect(await cursors.flush(counting)).toBe(2);
    expect(transactions).toBe(1);
    expect(await stored('d1')).toBe(9);
    expect(await stored('d2')).toBe(7);
    expect(cursors.current('d1')).toBeUndefined();
    expect(await cursors.flush(counting)).toBe(0);
    expect(transactions).toBe(1);
  });

  it('keeps what a failed write held, under anything noted since', async () => {
    const cursors = new DeviceCursors();
    cursors.note('d1', 5, '2030-01-01T00:00:01.000Z');
    cursors.note('d2', 3, '2030-01-01T00:00:01.000Z');
    const failing = {
      transaction: async () => {
        cursors.note('d2', 4, '2030-01-01T00:00:02.000Z');
        throw new Error('disk full');
      },
    };
    await expect(cursors.flush(failing)).rejects.toThrow('disk full');
    expect(cursors.current('d1')?.cursor).toBe(5);
    expect(cursors.current('d2')?.cursor).toBe(4);
    await cursors.flush(temp.storage);
    expect(await stored('d1')).toBe(5);
    expect(await stored('d2')).toBe(4);
  });
});

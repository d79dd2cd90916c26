/**
 * How far each device has applied head office's changes, as its pulls say, written to the
 * devices table in one transaction per second rather than in each pull. A change reaching
 * a thousand devices of a store is a thousand pulls; with a commit (an fsync) each, they
 * queued behind one another on the one connection and the last device waited for them all.
 * The admin and the metrics read the newest value from here; a crash loses at most the
 * last second of progress reports, which the next pulls restore.
 */
import type { StorageOps } from '../storage/sync-storage';

interface Progress {
  cursor: number;
  at: string;
}

export class DeviceCursors {
  private pending = new Map<string, Progress>();

  /** The device said it has applied everything up to `cursor`. */
  note(deviceId: string, cursor: number, at: string): void {
    this.pending.set(deviceId, { cursor, at });
  }

  /** Noted but not written yet. */
  current(deviceId: string): Progress | undefined {
    return this.pending.get(deviceId);
  }

  /** Writes what was noted, all in one transaction; what is noted meanwhile waits for the next flush. */
  async flush(storage: { transaction<T>(work: (tx: StorageOps) => Promise<T>): Promise<T> }): Promise<number> {
    if (this.pending.size === 0) return 0;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await storage.transaction(async (tx) => {
        for (const [deviceId, { cursor, at }] of batch) await tx.recordDeviceCursor(deviceId, cursor, at);
      });
    } catch (error) {
      // Not lost: put back under anything newer noted since, for the next flush.
      for (const [deviceId, progress] of batch) if (!this.pending.has(deviceId)) this.pending.set(deviceId, progress);
      throw error;
    }
    return batch.size;
  }
}

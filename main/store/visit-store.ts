/**
 * Store visits: one person's time in the store, across all its screens, from first seen
 * until absent for the visit gap. "Greet at most once per visit" counts against this.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from './database';

export interface VisitTouch {
  visitId: string;
  isNew: boolean;
}

export class VisitStore {
  private readonly current;
  private readonly extend;
  private readonly open;

  constructor(db: Db) {
    this.current = db.prepare<[string, string], { id: string }>(
      'SELECT id FROM visits WHERE subject = ? AND last_seen_at >= ? ORDER BY last_seen_at DESC LIMIT 1',
    );
    this.extend = db.prepare<[string, string]>('UPDATE visits SET last_seen_at = max(last_seen_at, ?) WHERE id = ?');
    this.open = db.prepare<[string, string, string, string]>(
      'INSERT INTO visits (id, subject, started_at, last_seen_at) VALUES (?, ?, ?, ?)',
    );
  }

  /** The subject was seen at `at`: continue their visit, or open a new one after the gap. */
  touch(subject: string, at: Date, gapMs: number): VisitTouch {
    const seen = at.toISOString();
    const existing = this.current.get(subject, new Date(at.getTime() - gapMs).toISOString());
    if (existing) {
      this.extend.run(seen, existing.id);
      return { visitId: existing.id, isNew: false };
    }
    const visitId = randomUUID();
    this.open.run(visitId, subject, seen, seen);
    return { visitId, isNew: true };
  }
}

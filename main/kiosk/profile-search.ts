/**
 * Finding a customer at the till by name prefix, phone tail or loyalty number, on an
 * index: FTS5 for names, a tails table for phones, the identifiers key for cards.
 */
import type { SearchHit } from '../../protocol/kiosk';
import type { Db } from '../store/database';
import { maskPhone } from './masking';

interface HitRow {
  id: string;
  first_name: string;
  last_name: string | null;
  tier: string | null;
  phone: string | null;
}

const MAX_HITS = 20;
const HIT_COLUMNS = `p.id, p.first_name, p.last_name, p.tier,
  (SELECT value FROM identifiers WHERE profile_id = p.id AND kind = 'phone' LIMIT 1) AS phone`;

/** Each word becomes a quoted prefix term, so user input can never be FTS5 syntax. */
export function ftsPrefixQuery(query: string): string | null {
  const words = query
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}'-]+/u)
    .map((w) => w.replace(/["']/g, ''))
    .filter((w) => w.length > 0)
    .slice(0, 4);
  if (words.length === 0) return null;
  return words.map((w) => `"${w}"*`).join(' ');
}

export class ProfileSearch {
  private readonly byName;
  private readonly byPhoneTail;
  private readonly byLoyalty;

  constructor(db: Db) {
    // No ORDER BY rank: FTS5 then stops at the LIMIT instead of scoring every "Ma…" in a million.
    this.byName = db.prepare<[string, number], HitRow>(
      `SELECT ${HIT_COLUMNS} FROM profile_names f JOIN profiles p ON p.rowid = f.rowid WHERE profile_names MATCH ? LIMIT ?`,
    );
    this.byPhoneTail = db.prepare<[string, string, number], HitRow>(
      `SELECT p.id, p.first_name, p.last_name, p.tier, t.phone FROM phone_tails t JOIN profiles p ON p.id = t.profile_id
       WHERE t.tail = ? AND t.phone LIKE ? ESCAPE '\\' LIMIT ?`,
    );
    this.byLoyalty = db.prepare<[string], HitRow>(
      `SELECT ${HIT_COLUMNS} FROM identifiers i JOIN profiles p ON p.id = i.profile_id WHERE i.kind = 'loyalty' AND i.value = ?`,
    );
  }

  search(query: string): SearchHit[] {
    const q = query.trim();
    const hits: SearchHit[] = [];
    const seen = new Set<string>();
    const add = (rows: HitRow[], matched: SearchHit['matched']): void => {
      for (const row of rows) {
        if (seen.has(row.id) || hits.length >= MAX_HITS) continue;
        seen.add(row.id);
        hits.push({
          profileId: row.id,
          displayName: row.last_name ? `${row.first_name} ${row.last_name}` : row.first_name,
          tier: row.tier,
          maskedPhone: row.phone ? maskPhone(row.phone) : null,
          matched,
        });
      }
    };
    add(this.byLoyalty.all(q), 'loyalty');
    const digits = q.replace(/[\s().+-]/g, '');
    if (/^\d{4,15}$/.test(digits)) add(this.byPhoneTail.all(digits.slice(-4), `%${digits}`, MAX_HITS), 'phone');
    const fts = ftsPrefixQuery(q);
    if (fts && !/^\d+$/.test(digits)) {
      const rows = this.byName.all(fts, MAX_HITS);
      rows.sort((a, b) => `${a.first_name} ${a.last_name ?? ''}`.localeCompare(`${b.first_name} ${b.last_name ?? ''}`));
      add(rows, 'name');
    }
    return hits;
  }
}

/**
 * Loads profiles from a CSV or JSON Lines file until the sync server sends them.
 *
 * Streams the file (a chain's export can be millions of rows), validates each row on its
 * own, writes good rows in batched transactions and reports bad ones with their line
 * number. Rows are upserts keyed by profile id, so a re-run creates no duplicates.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse as parseCsv } from 'csv-parse';
import { z } from 'zod';
import { profileSchema, type Profile } from '../../protocol/profile';
import type { Identifier, IdentifierKind } from '../../protocol/identifiers';
import { normalizeIdentifier } from './identifier-normalize';
import { IdentifierConflictError, type ProfileStore } from './profile-store';
import type { Db } from './database';

export type ImportFormat = 'csv' | 'jsonl';

export interface ImportRowError {
  line: number;
  message: string;
}

export interface ImportProgress {
  rowsRead: number;
  imported: number;
  rejected: number;
  elapsedMs: number;
  rowsPerSecond: number;
}

export interface ImportReport extends ImportProgress {
  errors: ImportRowError[];
  /** Errors past this many are counted, not kept, so a broken file cannot exhaust memory. */
  errorsTruncated: boolean;
}

export interface ImportOptions {
  format?: ImportFormat;
  batchSize?: number;
  maxErrorsKept?: number;
  onProgress?: (progress: ImportProgress) => void;
  progressEveryMs?: number;
  now?: () => number;
}

const IDENTIFIER_COLUMNS: Record<string, IdentifierKind> = {
  loyalty: 'loyalty',
  loyalty_number: 'loyalty',
  beacon: 'beacon',
  beacon_ids: 'beacon',
  app: 'app',
  app_id: 'app',
  email: 'email',
  phone: 'phone',
};

/** CSV cells are text: booleans are true/false, yes/no, 1/0; several identifiers are |-separated. */
function csvBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(v)) return true;
  if (['false', 'no', 'n', '0'].includes(v)) return false;
  return value as unknown as boolean; // let the schema report it
}

function csvNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : (value as unknown as number);
}

function listCell(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return value.split('|').map((v) => v.trim()).filter(Boolean);
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function csvRecordToInput(record: Record<string, string>): unknown {
  const identifiers: Array<{ kind: IdentifierKind; value: string }> = [];
  for (const [column, kind] of Object.entries(IDENTIFIER_COLUMNS)) {
    const cell = record[column];
    if (!cell) continue;
    for (const value of cell.split('|')) if (value.trim()) identifiers.push({ kind, value: value.trim() });
  }
  return {
    id: blankToUndefined(record.id),
    firstName: blankToUndefined(record.first_name),
    lastName: blankToUndefined(record.last_name),
    birthday: blankToUndefined(record.birthday),
    memberSince: blankToUndefined(record.member_since),
    tier: blankToUndefined(record.tier),
    points: csvNumber(record.points),
    lastVisitAt: blankToUndefined(record.last_visit_at),
    visitCount: csvNumber(record.visit_count),
    allergies: listCell(record.allergies),
    preferences: listCell(record.preferences),
    consents: {
      greetPublic: csvBoolean(record.consent_greet_public),
      personalisedOffers: csvBoolean(record.consent_personalised_offers),
      tracking: csvBoolean(record.consent_tracking),
    },
    identifiers,
  };
}

/** Validates one row and puts its identifiers in canonical form. */
export function validateProfileRow(input: unknown): { ok: true; profile: Profile } | { ok: false; message: string } {
  const parsed = profileSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, message: z.prettifyError(parsed.error).replace(/\n/g, '; ') };
  }
  const identifiers: Identifier[] = [];
  for (const identifier of parsed.data.identifiers) {
    const value = normalizeIdentifier(identifier.kind, identifier.value);
    if (value === null) return { ok: false, message: `identifier ${identifier.kind} "${identifier.value}" is not valid` };
    identifiers.push({ kind: identifier.kind, value });
  }
  return { ok: true, profile: { ...parsed.data, identifiers } as Profile };
}

interface RawRow {
  line: number;
  input: unknown;
  error?: string;
}

async function* csvRows(path: string): AsyncGenerator<RawRow> {
  const parser = createReadStream(path).pipe(
    parseCsv({
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
    }),
  );
  const skipped: RawRow[] = [];
  parser.on('skip', (error: Error & { lines?: number }) => {
    skipped.push({ line: error.lines ?? 0, input: undefined, error: `unreadable CSV: ${error.message}` });
  });
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    while (skipped.length) yield skipped.shift()!;
    yield { line: info.lines, input: csvRecordToInput(record) };
  }
  while (skipped.length) yield skipped.shift()!;
}

async function* jsonlRows(path: string): AsyncGenerator<RawRow> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let line = 0;
  for await (let text of lines) {
    line += 1;
    // Editors on some systems start UTF-8 files with a byte-order mark; it is not part of the JSON.
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') continue;
    try {
      yield { line, input: JSON.parse(text) };
    } catch (error) {
      yield { line, input: undefined, error: `not JSON: ${(error as Error).message}` };
    }
  }
}

export function formatFromPath(path: string): ImportFormat {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  throw new Error(`cannot tell the format of ${path}: name it .csv, .jsonl or .ndjson, or pass the format`);
}

export async function importProfiles(db: Db, store: ProfileStore, path: string, options: ImportOptions = {}): Promise<ImportReport> {
  const format = options.format ?? formatFromPath(path);
  const batchSize = options.batchSize ?? 5000;
  const maxErrorsKept = options.maxErrorsKept ?? 1000;
  const now = options.now ?? Date.now;
  const started = now();
  let lastProgress = started;
  const report: ImportReport = {
    rowsRead: 0, imported: 0, rejected: 0, elapsedMs: 0, rowsPerSecond: 0, errors: [], errorsTruncated: false,
  };
  const reject = (line: number, message: string): void => {
    report.rejected += 1;
    if (report.errors.length < maxErrorsKept) report.errors.push({ line, message });
    else report.errorsTruncated = true;
  };
  const progress = (): ImportProgress => {
    const elapsedMs = Math.max(1, now() - started);
    return {
      rowsRead: report.rowsRead, imported: report.imported, rejected: report.rejected, elapsedMs,
      rowsPerSecond: Math.round((report.rowsRead * 1000) / elapsedMs),
    };
  };

  let batch: Array<{ line: number; profile: Profile }> = [];
  const writeBatch = db.transaction((rows: Array<{ line: number; profile: Profile }>) => {
    for (const { line, profile } of rows) {
      try {
        store.save(profile);
        report.imported += 1;
      } catch (error) {
        if (error instanceof IdentifierConflictError) reject(line, error.message);
        else throw error;
      }
    }
  });
  const flush = (): void => {
    if (batch.length) writeBatch(batch);
    batch = [];
    if (options.onProgress && now() - lastProgress >= (options.progressEveryMs ?? 1000)) {
      lastProgress = now();
      options.onProgress(progress());
    }
  };

  for await (const row of format === 'csv' ? csvRows(path) : jsonlRows(path)) {
    report.rowsRead += 1;
    if (row.error !== undefined) {
      reject(row.line, row.error);
      continue;
    }
    const result = validateProfileRow(row.input);
    if (!result.ok) {
      reject(row.line, result.message);
      continue;
    }
    batch.push({ line: row.line, profile: result.profile });
    if (batch.length >= batchSize) flush();
  }
  flush();
  return { ...report, ...progress() };
}

/**
 * The large local profile store the lookup and memory benchmarks run against: N profiles
 * written with the agent's own ProfileStore.save, each with a loyalty number and a beacon,
 * varied consents and visit histories. Every field is a pure function of the profile's
 * index, so a benchmark can pick random existing customers without querying.
 *
 * Generated once into bench/results/ (gitignored) and reused while its version and row
 * counts match. Benchmarks that write work on a copy, so the cached file stays as generated.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../main/store/database';
import { ProfileStore } from '../main/store/profile-store';
import { ean13CheckDigit } from '../main/ingestion/loyalty-code';

/** Bump when the generator changes, so a stale cached file is rebuilt. */
const FIXTURE_VERSION = 1;
const FIXTURE_UUID = '5e6d0f1a-b0c1-4e2d-9a3b-000000b3c4e5';
const DAY_MS = 86_400_000;
/** Profiles' visit histories are relative to this instant, so the file is the same whenever it is built. */
const EPOCH = Date.parse('2025-06-01T12:00:00Z');

export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

const FIRST = ['Maya', 'Leo', 'Sofia', 'Hiro', 'Amara', 'Lucas', 'Ines', 'Noah', 'Zara', 'Mateo', 'Aiko', 'Omar', 'Lena', 'Ravi', 'Chloe', 'Yusuf'];
const LAST = ['Okafor', 'Martin', 'Rossi', 'Tanaka', 'Silva', 'Novak', 'Haddad', 'Kowalski', 'Dubois', 'Nguyen', 'Murphy', 'Fischer'];
const TIERS = ['bronze', 'silver', 'gold', 'platinum'];
const ITEMS = ['Flat white', 'Croissant', 'Sourdough loaf', 'Oat latte', 'Granola', 'Espresso beans', 'Lemon tart', 'Chai'];

/** Deterministic [0, 1) from (index, salt): a 32-bit integer hash (splitmix-style). */
function unit(index: number, salt: number): number {
  let x = (index * 0x9e3779b1 + salt * 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0;
  return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
}

function pick<T>(list: readonly T[], index: number, salt: number): T {
  return list[Math.floor(unit(index, salt) * list.length)]!;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function fixtureProfileId(index: number): string {
  return `p-${pad(index, 7)}`;
}

/** A GS1 in-store EAN-13 ("2…", valid check digit): passes identifyScanCode as a loyalty card. */
export function fixtureLoyalty(index: number): string {
  const first12 = `27${pad(index, 10)}`;
  return `${first12}${ean13CheckDigit(first12)}`;
}

/** Canonical beacon id, as the parsers produce it. */
export function fixtureBeacon(index: number): string {
  return `ibeacon:${FIXTURE_UUID}-${(index >>> 16) & 0xffff}-${index & 0xffff}`;
}

/** The same beacon as an ESPresense node names it. */
export function fixtureEspresenseBeacon(index: number): string {
  return `iBeacon:${FIXTURE_UUID}-${(index >>> 16) & 0xffff}-${index & 0xffff}`;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** What ProfileStore.save takes, whatever its exact type is today. */
export type NewProfile = Parameters<ProfileStore['save']>[0];

export function fixtureProfile(i: number): NewProfile {
  const visitCount = unit(i, 1) < 0.2 ? 0 : Math.floor(unit(i, 2) ** 2 * 120) + 1;
  const birthdayRoll = unit(i, 3);
  const birthMs = Date.UTC(1950 + Math.floor(unit(i, 4) * 56), 0, 1) + Math.floor(unit(i, 5) * 365) * DAY_MS;
  const hasSummary = unit(i, 6) < 0.4;
  const favourites = hasSummary
    ? Array.from({ length: 1 + Math.floor(unit(i, 7) * 4) }, (_, k) => ({
        sku: `sku-${pad(Math.floor(unit(i, 20 + k) * 5000), 5)}`,
        name: pick(ITEMS, i, 30 + k),
        count: 1 + Math.floor(unit(i, 40 + k) * 30),
      }))
    : [];
  const tier = unit(i, 8) < 0.7 ? pick(TIERS, i, 9) : undefined;
  return {
    id: fixtureProfileId(i),
    firstName: pick(FIRST, i, 10),
    lastName: pick(LAST, i, 11),
    birthday: birthdayRoll < 0.6 ? isoDay(birthMs) : birthdayRoll < 0.7 ? `--${isoDay(birthMs).slice(5)}` : undefined,
    memberSince: unit(i, 12) < 0.85 ? isoDay(EPOCH - Math.floor(unit(i, 13) * 12 * 365) * DAY_MS) : undefined,
    tier,
    points: Math.floor(unit(i, 14) * 25_000),
    lastVisitAt: visitCount > 0 ? new Date(EPOCH - Math.floor(unit(i, 15) * 400 * DAY_MS)).toISOString() : undefined,
    visitCount,
    purchaseSummary: hasSummary
      ? { favouriteItems: favourites, lifetimeValue: Math.round(unit(i, 16) * 500_000) / 100, orderCount: visitCount + Math.floor(unit(i, 17) * 10) }
      : undefined,
    consents: { greetPublic: unit(i, 18) < 0.75, personalisedOffers: unit(i, 19) < 0.5, tracking: unit(i, 50) < 0.6 },
    identifiers: [
      { kind: 'loyalty', value: fixtureLoyalty(i) },
      { kind: 'beacon', value: fixtureBeacon(i) },
    ],
  };
}

export interface ProfileFixture {
  /** The cached, pristine file (do not write to it; see workingCopy). */
  file: string;
  profiles: number;
  /** Seconds spent generating it in this run; undefined when the cache was reused. */
  generatedSeconds: number | undefined;
  bytes: number;
}

interface FixtureMeta {
  version: number;
  profiles: number;
  generatedSeconds: number;
  createdAt: string;
}

function counts(file: string): { profiles: number; identifiers: number } {
  const db = openDatabase(file);
  try {
    const profiles = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM profiles').get()?.n ?? 0;
    const identifiers = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM identifiers').get()?.n ?? 0;
    return { profiles, identifiers };
  } finally {
    db.close();
  }
}

/** Reuses bench/results/profiles-<n>/store.db when it holds exactly the expected rows, else builds it. */
export function ensureProfileFixture(profiles: number, progress: (line: string) => void): ProfileFixture {
  const dir = join(RESULTS_DIR, `profiles-${profiles}`);
  const file = join(dir, 'store.db');
  const metaFile = join(dir, 'fixture.json');
  if (existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as FixtureMeta;
    const found = counts(file);
    if (meta.version === FIXTURE_VERSION && found.profiles === profiles && found.identifiers === 2 * profiles) {
      progress(`reusing ${file} (${found.profiles.toLocaleString('en-US')} profiles)`);
      return { file, profiles, generatedSeconds: undefined, bytes: sizeOf(file) };
    }
    progress(`cached ${file} does not match (version ${meta.version}, ${found.profiles} profiles): rebuilding`);
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = process.hrtime.bigint();
  const db = openDatabase(file);
  // Generation only: a bigger page cache than the agent's 16 MiB makes the build faster; it does not change the file.
  db.pragma('cache_size = -262144');
  const store = new ProfileStore(db);
  const batch = 50_000;
  const now = new Date(EPOCH);
  for (let from = 0; from < profiles; from += batch) {
    const to = Math.min(profiles, from + batch);
    db.transaction(() => {
      for (let i = from; i < to; i++) store.save(fixtureProfile(i), now);
    })();
    if (to % 200_000 === 0 || to === profiles) progress(`generated ${to.toLocaleString('en-US')} / ${profiles.toLocaleString('en-US')} profiles`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const generatedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const meta: FixtureMeta = { version: FIXTURE_VERSION, profiles, generatedSeconds, createdAt: new Date().toISOString() };
  writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  return { file, profiles, generatedSeconds, bytes: sizeOf(file) };
}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

export interface WorkingCopy {
  dir: string;
  file: string;
  remove(): void;
}

/** A private copy of the fixture for a benchmark that writes (ledger rows, visits, outbox). */
export function workingCopy(fixture: ProfileFixture, name: string): WorkingCopy {
  const dir = join(RESULTS_DIR, 'work', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'store.db');
  copyFileSync(fixture.file, file);
  return { dir, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** How often the screen asks while a store's first download may be under way. */
export const FIRST_SYNC_POLL_MS = 2_000;

/** What the signage needs of the head-office link to show a store's first download. */
export interface FirstSyncFacts {
  state: string | null;
  lastSyncAt: string | null;
  remaining: number | null;
}

/**
 * A store's first download from head office is under way: linked (or getting there),
 * never synced, and changes still to come. Until it is done the customers, rules and
 * playlists are not all there yet, so the screen says so rather than look broken.
 */
export function firstSyncUnderway(sync: FirstSyncFacts): boolean {
  return (sync.state === 'online' || sync.state === 'connecting') && sync.lastSyncAt === null && (sync.remaining ?? 0) > 0;
}

/**
 * Whether a first sync may still come, so the screen keeps asking: not once one has
 * finished, and not in a store with no head office at all. An unpaired store may be
 * paired later from the status view, and then its first download starts.
 */
export function firstSyncMayCome(sync: FirstSyncFacts): boolean {
  return sync.lastSyncAt === null && sync.state !== 'not-configured';
}

/** The largest number of changes still to come seen so far: the bar's full length. */
export function largestRemaining(largestSoFar: number, remaining: number | null): number {
  return Math.max(largestSoFar, remaining ?? 0);
}

/** How much of the first download is done, 0…1, against the most that was ever left. */
export function firstSyncFraction(remaining: number, largest: number): number {
  if (!Number.isFinite(remaining) || !Number.isFinite(largest) || largest <= 0) return 0;
  return Math.min(1, Math.max(0, (largest - remaining) / largest));
}

const counts = new Intl.NumberFormat('en-GB');

/** "Setting up this store: 12,345 updates to go". */
export function firstSyncWords(remaining: number): string {
  const n = Math.max(0, Math.floor(remaining));
  return `Setting up this store: ${counts.format(n)} ${n === 1 ? 'update' : 'updates'} to go`;
}

/**
 * "Who is here" per kiosk: people near the counter (beacon presence for the kiosk's zone)
 * and anyone just scanned, newest first. A scanned entry stays until it goes stale or the
 * order is served; a beacon entry leaves with the beacon.
 */
import type { PresentCustomer } from '../../protocol/kiosk';

const SCAN_STAYS_MS = 10 * 60_000;
const MAX_LISTED = 30;

export interface PresentPerson {
  key: string;
  profileId: string | null;
  displayName: string | null;
  tier: string | null;
  beaconId: string | null;
}

export class CounterPresence {
  private readonly lists = new Map<string, Map<string, PresentCustomer & { at: number }>>();

  constructor(private readonly onChange: (screenId: string, customers: PresentCustomer[]) => void) {}

  list(screenId: string): PresentCustomer[] {
    const entries = [...(this.lists.get(screenId)?.values() ?? [])];
    return entries.sort((a, b) => b.at - a.at).slice(0, MAX_LISTED).map(({ at: _at, ...customer }) => customer);
  }

  arrived(screenId: string, person: PresentPerson, via: 'beacon' | 'scan', at: number): void {
    const list = this.listFor(screenId);
    list.set(person.key, {
      key: person.key,
      kind: person.profileId ? 'known' : 'anonymous',
      profileId: person.profileId,
      displayName: person.displayName,
      tier: person.tier,
      via,
      since: new Date(at).toISOString(),
      beaconId: person.profileId ? null : person.beaconId,
      at,
    });
    this.onChange(screenId, this.list(screenId));
  }

  left(screenId: string, key: string): void {
    const entry = this.lists.get(screenId)?.get(key);
    if (!entry || entry.via !== 'beacon') return;
    this.lists.get(screenId)!.delete(key);
    this.onChange(screenId, this.list(screenId));
  }

  /** An anonymous beacon was linked to a profile: it is that person now. False when the beacon was not listed. */
  identified(beaconId: string, person: PresentPerson): boolean {
    let found = false;
    for (const [screenId, list] of this.lists) {
      const entry = list.get(beaconId);
      if (!entry) continue;
      found = true;
      list.delete(beaconId);
      this.arrived(screenId, person, entry.via, entry.at);
    }
    return found;
  }

  served(screenId: string, key: string): void {
    if (this.lists.get(screenId)?.delete(key)) this.onChange(screenId, this.list(screenId));
  }

  prune(now: number): void {
    for (const [screenId, list] of this.lists) {
      let changed = false;
      for (const [key, entry] of list) {
        if (entry.via === 'scan' && now - entry.at > SCAN_STAYS_MS) {
          list.delete(key);
          changed = true;
        }
      }
      if (changed) this.onChange(screenId, this.list(screenId));
    }
  }

  private listFor(screenId: string): Map<string, PresentCustomer & { at: number }> {
    let list = this.lists.get(screenId);
    if (!list) {
      list = new Map();
      this.lists.set(screenId, list);
    }
    return list;
  }
}

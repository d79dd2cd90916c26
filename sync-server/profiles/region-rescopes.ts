/**
 * Brings whole regions' profiles in line with scope.homeRegion: when a store opens in a
 * region, and when the setting is turned on or off between runs (off, the region's other
 * stores must lose those customers: data minimisation). A page of profiles per transaction,
 * with the progress committed in the same transaction as the page's changes, so a crash or a
 * restart resumes where it stopped instead of leaving a region half done. One region at a
 * time, in the background: other writers wait for one page at most.
 */
import type { Logger } from '../../main/log/logger';
import type { StorageOps, SyncStorage } from '../storage/sync-storage';
import type { ProfileWork } from './profile-work';

/** Profiles per transaction. */
const PAGE = 1000;
/** The scope setting the stores were last brought in line with. */
export const HOME_REGION_SETTING = 'scope.homeRegion';

export interface RegionRescopesDeps {
  storage: SyncStorage;
  log: Logger;
  homeRegion: boolean;
  now: () => number;
  isClosing: () => boolean;
  /** Runs profile work in one transaction and pokes the stores after it (with-profile-work.ts). */
  withWork: <T>(run: (work: ProfileWork, tx: StorageOps) => Promise<T>) => Promise<T>;
}

export class RegionRescopes {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: RegionRescopesDeps) {}

  /** At start: a setting changed since the last run queues every region; then the queue runs. */
  async start(): Promise<void> {
    const { storage, homeRegion } = this.deps;
    const wanted = String(homeRegion);
    const at = new Date(this.deps.now()).toISOString();
    const queued = await storage.transaction(async (tx) => {
      const applied = await tx.getSetting(HOME_REGION_SETTING);
      if (applied === wanted) return [];
      // A first start with the setting off: no store ever held anyone by region.
      const regions = applied === undefined && !homeRegion ? [] : await tx.regionsInUse();
      for (const region of regions) await tx.requestRegionRescope(region, at);
      await tx.putSetting(HOME_REGION_SETTING, wanted);
      return regions;
    });
    if (queued.length) this.deps.log.info({ homeRegion, regions: queued }, 'region scope setting changed: bringing the regions\' stores in line');
    this.kick();
  }

  /** A store opened in the region: it is to hold the region's profiles. */
  async storeOpened(region: string): Promise<void> {
    if (!this.deps.homeRegion) return;
    await this.deps.storage.requestRegionRescope(region, new Date(this.deps.now()).toISOString());
    this.kick();
  }

  /** Resolves when the queue is empty (tests), or shutdown stopped it. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Shutdown: the page being written finishes; the rest waits for the next start. */
  close(): Promise<void> {
    return this.idle();
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.deps.log.error({ err: error }, 'region rescope failed; it resumes at the next start or store'))
      .finally(() => {
        this.running = undefined;
      });
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (const region of await this.deps.storage.pendingRegionRescopes()) {
        let profiles = 0;
        for (;;) {
          if (this.deps.isClosing()) return;
          // Progress is read inside the page's transaction: a new request for the region
          // meanwhile starts it over rather than being overwritten.
          const done = await this.deps.withWork(async (work, tx) => {
            const after = await tx.regionRescopeProgress(region);
            if (after === undefined) return 0;
            const ids = await tx.profilesHomedInRegion(region, after, PAGE);
            if (ids.length === 0) {
              await tx.finishRegionRescope(region);
              return 0;
            }
            await work.rescope(ids);
            await tx.advanceRegionRescope(region, ids.at(-1)!);
            return ids.length;
          });
          if (done === 0) break;
          profiles += done;
        }
        this.deps.log.info({ region, profiles }, 'region rescoped');
      }
    } while (this.again && !this.deps.isClosing());
  }
}

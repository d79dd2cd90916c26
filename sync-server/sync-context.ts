/** What the HTTP routes and socket handlers share: one per running server. */
import type { Logger } from '../main/log/logger';
import type { HybridLogicalClock } from './clock/hlc';
import type { Pokes } from './changes/change-recorder';
import type { ResolvedSyncConfig } from './config';
import type { InFlight } from './lifecycle/in-flight';
import type { SyncMetrics } from './metrics/sync-metrics';
import type { PairingService } from './pairing/pairing-service';
import type { ConnectedDevices } from './socket/connected-devices';
import type { SyncStorage } from './storage/sync-storage';
import type { GroupCommit } from './events/group-commit';
import type { DeviceCursors } from './devices/device-cursors';
import type { StoreFiles } from './store-files/store-files';
import type { RegionRescopes } from './profiles/region-rescopes';

export interface SyncContext {
  config: ResolvedSyncConfig;
  storage: SyncStorage;
  hlc: HybridLogicalClock;
  metrics: SyncMetrics;
  log: Logger;
  pairing: PairingService;
  devices: ConnectedDevices;
  inFlight: InFlight;
  /** Devices' pull progress, written once a second (devices/device-cursors.ts). */
  cursors: DeviceCursors;
  /** Every device's uploads are stored through this one group commit (events/group-commit.ts). */
  uploads: GroupCommit;
  /** Per-store database files for a fast first sync. */
  storeFiles: StoreFiles;
  /** Regions' profiles brought in line with scope.homeRegion, in the background. */
  regionRescopes: RegionRescopes;
  /** Tells stores to pull; call only after the transaction that wrote the changes committed. */
  poke(pokes: Pokes): void;
  /** True once shutdown began: no new uploads or connections. */
  isClosing(): boolean;
}

/** Renders the metrics in the Prometheus text exposition format (version 0.0.4). */
import type { SyncMetrics } from './sync-metrics';

export interface DeviceLag {
  deviceId: string;
  storeId: string;
  /** Versions the device is behind its store's latest change. */
  lag: number;
}

export interface MetricsSnapshot {
  counters: SyncMetrics;
  connectedDevices: number;
  deviceLags: DeviceLag[];
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function renderPrometheus(snapshot: MetricsSnapshot): string {
  const { counters } = snapshot;
  const lines: string[] = [];
  const metric = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[labels: string, value: number]>): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  metric('sync_connected_devices', 'gauge', 'Devices with an open sync connection.', [['', snapshot.connectedDevices]]);
  metric('sync_events_received_total', 'counter', 'Events stored for the first time.', [['', counters.eventsReceived]]);
  metric('sync_events_duplicate_total', 'counter', 'Uploaded events already stored (replays), acknowledged again and dropped.', [['', counters.duplicatesDropped]]);
  metric('sync_events_rejected_total', 'counter', 'Uploaded events refused for good.', [['', counters.eventsRejected]]);
  metric('sync_pulls_served_total', 'counter', 'Pull requests answered.', [['', counters.pullsServed]]);
  metric('sync_store_files_served_total', 'counter', 'Store files sent to devices for a first sync.', [['', counters.storeFilesServed]]);
  metric('sync_store_files_built_total', 'counter', 'Store files built.', [['', counters.storeFilesBuilt]]);
  metric('sync_pairing_failures_total', 'counter', 'Pairing attempts refused.', [['', counters.pairingFailures]]);
  metric('sync_identifier_conflicts_total', 'counter', 'Identifiers claimed by a second profile.', [['', counters.identifierConflicts]]);
  metric('sync_invalid_messages_total', 'counter', 'Socket messages refused before any work.', [['', counters.invalidMessages]]);
  metric('sync_upload_failures_total', 'counter', 'Upload batches that failed to store (not acknowledged).', [['', counters.uploadFailures]]);
  metric('sync_upload_commits_total', 'counter', 'Transactions that stored upload batches (concurrent batches share one).', [['', counters.uploadCommits]]);
  metric(
    'sync_device_lag_versions',
    'gauge',
    "How many versions a device's last pull cursor is behind its store's latest change.",
    snapshot.deviceLags.map((d) => [`{device_id="${escapeLabel(d.deviceId)}",store_id="${escapeLabel(d.storeId)}"}`, d.lag]),
  );
  return `${lines.join('\n')}\n`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

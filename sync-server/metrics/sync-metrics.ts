/**
 * The server's counters since it started (Prometheus counters may reset on restart; the
 * scraper handles that). Gauges (connections, lag) are read when scraped, not kept here.
 */
export class SyncMetrics {
  eventsReceived = 0;
  duplicatesDropped = 0;
  eventsRejected = 0;
  pullsServed = 0;
  /** Store files sent to devices for a first sync, and built. */
  storeFilesServed = 0;
  storeFilesBuilt = 0;
  pairingFailures = 0;
  identifierConflicts = 0;
  /** Socket messages refused before any work: bad payload, missing ack callback. */
  invalidMessages = 0;
  /** Upload batches that failed in storage (nothing acked; the device retries). */
  uploadFailures = 0;
  /** Transactions that stored uploads: fewer than the uploads when several shared one (group commit). */
  uploadCommits = 0;
}

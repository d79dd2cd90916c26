/**
 * The sync server in its own process for the sync benchmarks: head office and a store are
 * different machines, so the server must not share the benchmark's event loop (here, it
 * gets the other core). Per-IP limits are lifted: every simulated device is 127.0.0.1.
 * Prints its URL as one line on stdout once listening; SIGTERM shuts it down gracefully.
 */
import { createLogger } from '../main/log/logger';
import { startSyncServer } from '../sync-server/server';

const [dataDir, adminToken] = process.argv.slice(2);
if (!dataDir || !adminToken) throw new Error('usage: sync-server-child.ts <dataDir> <adminToken>');

const server = await startSyncServer({
  dataDir,
  adminToken,
  host: '127.0.0.1',
  port: 0,
  adminRequestsPerMinute: 10_000_000,
  pairing: { attemptsPerMinute: 10_000_000 },
  // Built when a benchmark asks (sync-snapshot), never in the background of another's measurement.
  storeFiles: { minChanges: Number.MAX_SAFE_INTEGER },
  logger: createLogger('bench-sync-server', process.env.SYNC_LOG_LEVEL ?? 'silent'),
});
process.stdout.write(`${server.url}\n`);
process.once('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

/**
 * `npm run server`: head office's sync server, configured from the environment.
 *
 *   SYNC_PORT         default 8790
 *   SYNC_HOST         default 127.0.0.1 (put a TLS proxy in front to expose it)
 *   SYNC_DATA_DIR     default ./data/sync
 *   SYNC_ADMIN_TOKEN  the admin API token; without it one is generated at first start,
 *                     kept in <data dir>/admin-token (0600) and printed once
 *   SYNC_TRUST_PROXY  "1" when behind a proxy that sets X-Forwarded-For
 *   SYNC_LOG_LEVEL    pino level (default info)
 *   SYNC_SCOPE_RECENT_VISIT_DAYS  a store holds who visited it in this many days (default 90)
 *   SYNC_SCOPE_HOME_REGION        "1": every store of a region holds the profiles homed in it
 */
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createLogger } from '../../main/log/logger';
import { DEFAULT_PORT } from '../config';
import { loadOrCreateSecretFile } from '../secrets/secret-file';
import { startSyncServer } from '../server';

const ADMIN_TOKEN_FILE = 'admin-token';

async function main(): Promise<void> {
  const log = createLogger('sync-server', process.env.SYNC_LOG_LEVEL ?? process.env.SOO_LOG_LEVEL ?? 'info');
  const dataDir = resolve(process.env.SYNC_DATA_DIR ?? './data/sync');
  const port = process.env.SYNC_PORT ? Number(process.env.SYNC_PORT) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SYNC_PORT "${process.env.SYNC_PORT}" is not a port number`);
  const recentVisitDays = process.env.SYNC_SCOPE_RECENT_VISIT_DAYS ? Number(process.env.SYNC_SCOPE_RECENT_VISIT_DAYS) : undefined;
  if (recentVisitDays !== undefined && !(Number.isInteger(recentVisitDays) && recentVisitDays >= 1)) {
    throw new Error(`SYNC_SCOPE_RECENT_VISIT_DAYS "${process.env.SYNC_SCOPE_RECENT_VISIT_DAYS}" is not a whole number of days (1 or more)`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  let adminToken = process.env.SYNC_ADMIN_TOKEN;
  if (!adminToken) {
    const tokenFile = join(dataDir, ADMIN_TOKEN_FILE);
    const token = loadOrCreateSecretFile(tokenFile, () => randomBytes(32).toString('base64url'));
    adminToken = token.value;
    if (token.created) {
      // Printed once, on stdout rather than in the logs (which get shipped and kept).
      process.stdout.write(`\nAdmin token (kept in ${tokenFile}, shown only now):\n\n  ${token.value}\n\n`);
    }
  }

  const server = await startSyncServer({
    dataDir,
    adminToken,
    host: process.env.SYNC_HOST ?? '127.0.0.1',
    port,
    trustProxy: process.env.SYNC_TRUST_PROXY === '1',
    scope: { ...(recentVisitDays !== undefined ? { recentVisitDays } : {}), homeRegion: process.env.SYNC_SCOPE_HOME_REGION === '1' },
    logger: log,
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    // A second signal, or a shutdown that hangs, still ends the process.
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`sync server failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

/**
 * Child-process entry for the PouchDB side of the initial-sync comparison: a CouchDB-protocol
 * HTTP server (express-pouchdb over PouchDB's leveldb adapter) on 127.0.0.1, so a fresh local
 * PouchDB can replicate from it over loopback. It runs in its own process, as our own sync
 * server does in the same benchmark, because head office and the store are different
 * machines: the server must not share an event loop (or a core) with the replicating client.
 *
 * Usage: node --import tsx bench/pouchdb-server-process.ts --dir=<database directory> [--compression=off]
 *   (or POUCHDB_SERVER_DIR=<dir>). Prints the server's URL as one line on stdout once it
 *   listens. Exits on SIGTERM, SIGINT, or when stdin closes (the parent died), after closing
 *   its databases so leveldb is left consistent for the cache.
 */
import { fstatSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import expressPouchDB from 'express-pouchdb';
import PouchDB from 'pouchdb-node';

interface ServerOptions {
  dir: string;
  compression: boolean;
}

function parseOptions(argv: readonly string[]): ServerOptions {
  const arg = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const dir = arg('dir') ?? process.env.POUCHDB_SERVER_DIR;
  if (!dir) throw new Error('pouchdb-server-process: give the database directory as --dir=<path> or POUCHDB_SERVER_DIR');
  return { dir: resolve(dir), compression: arg('compression') !== 'off' };
}

/**
 * 'minimumForPouchDB' serves the routes replication uses and nothing that writes config or
 * log files (those parts only exist in the 'fullCouchDB' mode), which is "logs off".
 * Gzip of responses is on by default, as in pouchdb-server; on loopback it only costs CPU,
 * so the benchmark can switch it off to be fair to PouchDB.
 */
function startServer(options: ServerOptions): { server: Server; pouch: PouchDB.Static } {
  mkdirSync(options.dir, { recursive: true });
  const pouch = PouchDB.defaults({ prefix: `${options.dir}/` });
  const app = expressPouchDB(pouch, {
    mode: 'minimumForPouchDB',
    overrideMode: { exclude: options.compression ? [] : ['compression'] },
  });
  return { server: createServer(app), pouch };
}

/** express-pouchdb keeps every database it opened in this cache on the constructor it was given. */
interface DatabaseCache {
  forEach(visit: (db: PouchDB.Database) => void): void;
}

async function closeDatabases(pouch: PouchDB.Static): Promise<void> {
  const cache = (pouch as PouchDB.Static & { __dbCacheMap?: DatabaseCache }).__dbCacheMap;
  const open: PouchDB.Database[] = [];
  cache?.forEach((db) => open.push(db));
  await Promise.allSettled(open.map((db) => db.close()));
}

function stdinIsPipe(): boolean {
  const stat = fstatSync(0);
  return stat.isFIFO() || stat.isSocket();
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const { server, pouch } = startServer(options);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    void closeDatabases(pouch).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // A parent that dies without signalling us closes our stdin pipe: do not outlive it. Only
  // for a pipe, so a run by hand with stdin at /dev/null does not stop at once.
  if (stdinIsPipe()) {
    process.stdin.on('end', stop);
    process.stdin.on('error', stop);
    process.stdin.resume();
  }
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`http://127.0.0.1:${port}\n`);
  });
}

main();

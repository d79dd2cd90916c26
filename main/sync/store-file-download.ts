/**
 * Fetches head office's store file for a first sync (protocol/sync.ts, STORE_FILE_PATH)
 * to a file beside the store's database, checking its length and sha256 as it streams,
 * so nothing is taken from a file that arrived short or changed on the way.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { STORE_FILE_HEADERS, STORE_FILE_PATH } from '../../protocol/sync';
import type { DeviceCredential } from './device-credential';

export interface StoreFileInfo {
  /** The cursor the file covers. */
  version: number;
  profiles: number;
  bytes: number;
  sha256: string;
}

export class StoreFileError extends Error {
  constructor(
    message: string,
    /** False when asking again cannot help (no room on disk). */
    readonly retryable = true,
  ) {
    super(message);
  }
}

/** The download beside the store's database; the agent removes it whatever happens. */
export function storeFileDownloadPath(liveFile: string): string {
  return `${liveFile}.store-file`;
}

export function removeStoreFileDownload(liveFile: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${storeFileDownloadPath(liveFile)}${suffix}`, { force: true });
}

/**
 * Room for the download and for the copy of its rows (in the WAL, then in the database),
 * with some to spare: a full disk would stop the outbox too.
 */
const DISK_NEEDED_PER_BYTE = 2.5;

export interface DownloadOptions {
  /** The store's schema (user_version): head office answers 409 for a file of another. */
  schema: number;
  /** Aborts the download (the agent is stopping). */
  signal?: AbortSignal;
  /** A download that receives nothing for this long is abandoned (default 60 s). */
  idleTimeoutMs?: number;
  onProgress?: (received: number, info: StoreFileInfo) => void;
}

function header(response: IncomingMessage, name: string): string {
  const value = response.headers[name];
  if (typeof value !== 'string') throw new StoreFileError(`the store file answer has no ${name} header`);
  return value;
}

function positiveInteger(response: IncomingMessage, name: string, allowZero = false): number {
  const value = Number(header(response, name));
  if (!Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) throw new StoreFileError(`the store file's ${name} is not a count`);
  return value;
}

/**
 * Downloads the store's file to `dest`. Undefined when head office has none for this
 * store and schema (404 or 409: the device pulls pages instead); throws on anything else,
 * leaving no file behind.
 */
export async function downloadStoreFile(credential: DeviceCredential, dest: string, options: DownloadOptions): Promise<StoreFileInfo | undefined> {
  const idle = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  let idleTimer = setTimeout(() => idle.abort(new StoreFileError('the store file download stalled')), options.idleTimeoutMs ?? 60_000);
  const stillMoving = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => idle.abort(new StoreFileError('the store file download stalled')), options.idleTimeoutMs ?? 60_000);
  };
  let response: IncomingMessage | undefined;
  try {
    const url = new URL(`${STORE_FILE_PATH}?schema=${options.schema}`, credential.serverUrl);
    try {
      response = await get(url, { [STORE_FILE_HEADERS.deviceId]: credential.deviceId, authorization: `Bearer ${credential.credential}` }, signal);
    } catch (error) {
      throw new StoreFileError(`cannot reach head office for the store file: ${(error as Error).message}`);
    }
    const status = response.statusCode ?? 0;
    if (status === 404 || status === 409) {
      response.destroy();
      return undefined;
    }
    if (status !== 200) {
      const body = await errorBody(response);
      throw new StoreFileError(`store file refused: ${body ?? `HTTP ${status}`}`);
    }
    const info: StoreFileInfo = {
      version: positiveInteger(response, STORE_FILE_HEADERS.version),
      profiles: positiveInteger(response, STORE_FILE_HEADERS.profiles, true),
      bytes: positiveInteger(response, 'content-length'),
      sha256: header(response, STORE_FILE_HEADERS.sha256),
    };
    if (!/^[0-9a-f]{64}$/.test(info.sha256)) throw new StoreFileError('the store file answer has no valid sha256');
    if (positiveInteger(response, STORE_FILE_HEADERS.schema) !== options.schema) throw new StoreFileError('head office sent a store file of another schema');
    const disk = await statfs(dirname(dest));
    if (disk.bavail * disk.bsize < info.bytes * DISK_NEEDED_PER_BYTE) {
      response.destroy();
      throw new StoreFileError(`not enough disk for the store file (${Math.round(info.bytes / 2 ** 20)} MiB, ${DISK_NEEDED_PER_BYTE}× needed)`, false);
    }

    const hash = createHash('sha256');
    let received = 0;
    const check = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        received += chunk.length;
        stillMoving();
        options.onProgress?.(received, info);
        done(null, chunk);
      },
    });
    try {
      // Room for 1 MiB before pausing the socket (the default is 16 KiB), so the file is
      // written in fewer, larger writes.
      await pipeline(response, check, createWriteStream(dest, { highWaterMark: 1 << 20 }), { signal });
    } catch (error) {
      throw new StoreFileError(`the store file download failed: ${(signal.reason as Error | undefined)?.message ?? (error as Error).message}`);
    }
    if (received !== info.bytes) throw new StoreFileError(`the store file arrived short: ${received} of ${info.bytes} bytes`);
    if (hash.digest('hex') !== info.sha256) throw new StoreFileError('the store file does not match its sha256');
    return info;
  } catch (error) {
    // A refused answer is not read on: head office would keep the file open for it.
    response?.destroy();
    rmSync(dest, { force: true });
    throw error;
  } finally {
    clearTimeout(idleTimer);
  }
}

/**
 * node:http rather than fetch: fetch's web streams took a fifth longer to bring a file of
 * hundreds of MiB over loopback (BENCHMARKS.md, first sync).
 */
function get(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    client.get(url, { headers, signal }, resolve).on('error', reject);
  });
}

/** An error answer's `{ error }`, read up to 4 KiB. */
async function errorBody(response: IncomingMessage): Promise<string | undefined> {
  let text = '';
  for await (const chunk of response) {
    text += String(chunk);
    if (text.length > 4096) break;
  }
  response.destroy();
  try {
    return (JSON.parse(text) as { error?: string }).error;
  } catch {
    return undefined;
  }
}

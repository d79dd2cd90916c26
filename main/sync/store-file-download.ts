/**
 * Fetches head office's store file for a first sync (protocol/sync.ts, STORE_FILE_PATH)
 * to a file beside the store's database, checking its length and sha256 as it streams,
 * so nothing is taken from a file that arrived short or changed on the way.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { STORE_FILE_HEADERS, STORE_FILE_PATH } from '../../protocol/sync';
import type { DeviceCredential } from './device-credential';

export interface StoreFileInfo {
  /** The cursor the file covers. */
  version: number;
  profiles: number;
  bytes: number;
  sha256: string;
}

export class StoreFileError extends Error {}

export interface DownloadOptions {
  /** The store's schema (user_version): head office answers 409 for a file of another. */
  schema: number;
  /** Aborts the download (the agent is stopping). */
  signal?: AbortSignal;
  /** A download that receives nothing for this long is abandoned (default 60 s). */
  idleTimeoutMs?: number;
  onProgress?: (received: number, info: StoreFileInfo) => void;
}

function header(response: Response, name: string): string {
  const value = response.headers.get(name);
  if (value === null) throw new StoreFileError(`the store file answer has no ${name} header`);
  return value;
}

function positiveInteger(response: Response, name: string, allowZero = false): number {
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
  try {
    const url = new URL(`${STORE_FILE_PATH}?schema=${options.schema}`, credential.serverUrl);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { [STORE_FILE_HEADERS.deviceId]: credential.deviceId, authorization: `Bearer ${credential.credential}` },
        signal,
      });
    } catch (error) {
      throw new StoreFileError(`cannot reach head office for the store file: ${(error as Error).message}`);
    }
    if (response.status === 404 || response.status === 409) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok || !response.body) {
      const body = (await response.json().catch(() => ({}))) as { error?: string };
      throw new StoreFileError(`store file refused: ${body.error ?? `HTTP ${response.status}`}`);
    }
    const info: StoreFileInfo = {
      version: positiveInteger(response, STORE_FILE_HEADERS.version),
      profiles: positiveInteger(response, STORE_FILE_HEADERS.profiles, true),
      bytes: positiveInteger(response, 'content-length'),
      sha256: header(response, STORE_FILE_HEADERS.sha256),
    };
    if (!/^[0-9a-f]{64}$/.test(info.sha256)) throw new StoreFileError('the store file answer has no valid sha256');
    if (positiveInteger(response, STORE_FILE_HEADERS.schema) !== options.schema) throw new StoreFileError('head office sent a store file of another schema');

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
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), check, createWriteStream(dest), { signal });
    } catch (error) {
      throw new StoreFileError(`the store file download failed: ${(signal.reason as Error | undefined)?.message ?? (error as Error).message}`);
    }
    if (received !== info.bytes) throw new StoreFileError(`the store file arrived short: ${received} of ${info.bytes} bytes`);
    if (hash.digest('hex') !== info.sha256) throw new StoreFileError('the store file does not match its sha256');
    return info;
  } catch (error) {
    rmSync(dest, { force: true });
    throw error;
  } finally {
    clearTimeout(idleTimer);
  }
}

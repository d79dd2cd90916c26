/**
 * For tests: a sync server on a free loopback port over a fresh data directory, an admin
 * client, and helpers to pair and connect a device with a raw socket.io-client (the store
 * agent's real client is tested on its own side).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import { createLogger } from '../../main/log/logger';
import type { TrackEvent } from '../../protocol/events';
import {
  decodeChanges,
  SYNC_NAMESPACE,
  type Change,
  type ClientToServerEvents,
  type PairResponse,
  type PullRequest,
  type PullResponse,
  type ServerToClientEvents,
  type SyncError,
  type UploadedEvent,
} from '../../protocol/sync';
import { startSyncServer, type SyncServer, type SyncServerConfig } from '../server';

export type DeviceClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** What a test or benchmark needs of a running server, in this process or another. */
export interface ServerClient {
  url: string;
  /** Admin API call with the token; `token: null` sends none. */
  admin(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any }>;
}

export interface TestServer extends ServerClient {
  server: SyncServer;
  dataDir: string;
  /** The test's clock, in ms; move it with `clock.now += …`. */
  clock: { now: number };
  stop(): Promise<void>;
}

/** Admin API calls to the server at `url` with `adminToken`. */
export function adminClient(url: string, adminToken: string): ServerClient['admin'] {
  return async (method, path, body, token = adminToken) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Prometheus text, or an empty body
    }
    return { status: response.status, body: parsed };
  };
}

/** A fresh data directory unless `overrides.dataDir` names one (which is then left in place). */
export async function startTestServer(overrides: Partial<SyncServerConfig> = {}): Promise<TestServer> {
  const ownDir = overrides.dataDir === undefined;
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'sync-server-'));
  const removeOwnDir = (): void => {
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const clock = { now: Date.now() };
  let server: SyncServer;
  try {
    server = await startSyncServer({
      adminToken: TEST_ADMIN_TOKEN,
      host: '127.0.0.1',
      port: 0,
      now: () => clock.now,
      logger: createLogger('sync-server-test', process.env.SYNC_TEST_LOG_LEVEL ?? 'silent'),
      // Store files only when a test builds one (POST /api/stores/:id/store-file): a build
      // in the background would turn other tests' first syncs into file downloads.
      storeFiles: { minChanges: Number.MAX_SAFE_INTEGER },
      ...overrides,
      dataDir,
    });
  } catch (error) {
    // The caller gets no stop() to call.
    removeOwnDir();
    throw error;
  }
  const sockets = new Set<DeviceClient>();
  const admin = adminClient(server.url, TEST_ADMIN_TOKEN);
  let stopped = false;
  return {
    server,
    url: server.url,
    dataDir,
    clock,
    admin,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const socket of sockets) socket.disconnect();
      try {
        await server.close();
      } finally {
        removeOwnDir();
      }
    },
  };
}

export interface PairedDevice extends PairResponse {
  storeId: string;
}

/** Creates the store (if new), adds a device and pairs it. */
export async function pairDevice(test: ServerClient, storeId: string, name = `${storeId} agent`): Promise<PairedDevice> {
  const store = await test.admin('POST', '/api/stores', { id: storeId, name: `Store ${storeId}` });
  if (store.status !== 201 && store.status !== 409) throw new Error(`store: ${store.status} ${JSON.stringify(store.body)}`);
  const added = await test.admin('POST', `/api/stores/${storeId}/devices`, { name });
  if (added.status !== 201) throw new Error(`device: ${added.status} ${JSON.stringify(added.body)}`);
  const paired = await test.admin('POST', '/api/pair', { code: added.body.pairingCode, deviceName: name, appVersion: '1.0.0' }, null);
  if (paired.status !== 200) throw new Error(`pair: ${paired.status} ${JSON.stringify(paired.body)}`);
  return paired.body as PairedDevice;
}

/** A raw device socket; resolves once connected, rejects with the server's refusal. */
export function connectDevice(test: ServerClient, auth: { deviceId: string; credential: string; appVersion?: string }): Promise<DeviceClient> {
  const socket: DeviceClient = connect(`${test.url}${SYNC_NAMESPACE}`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

type AckOf<E extends keyof ClientToServerEvents> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/**
 * A request with its ack, typed (socket.io-client's `timeout().emitWithAck` returns any).
 * Rejects when no ack arrives in time.
 */
export function ask<E extends keyof ClientToServerEvents>(
  socket: DeviceClient,
  event: E,
  request: Parameters<ClientToServerEvents[E]>[0],
  timeoutMs = 5000,
): Promise<AckOf<E>> {
  const timed = socket.timeout(timeoutMs) as unknown as { emitWithAck(event: string, request: unknown): Promise<AckOf<E>> };
  return timed.emitWithAck(event, request);
}

/** A pull's answer with its changes decoded (tests take head office's shapes on trust; the agent checks each). */
export type DecodedPage = Omit<PullResponse, 'changesJson'> & { changes: Change[] };

/** One `sync.pull`, its changes decoded; a refusal comes back as it is. */
export async function pullPage(socket: DeviceClient, request: PullRequest, timeoutMs = 10_000): Promise<DecodedPage | SyncError> {
  const response = await ask(socket, 'sync.pull', request, timeoutMs);
  if ('error' in response) return response;
  const { changesJson, ...rest } = response;
  return { ...rest, changes: decodeChanges(changesJson) as Change[] };
}

/** Pulls from `cursor` until hasMore is false; returns every change and the final cursor. */
export async function pullAll(socket: DeviceClient, cursor = 0, limit = 1000): Promise<{ changes: Change[]; cursor: number; pages: DecodedPage[] }> {
  const changes: Change[] = [];
  const pages: DecodedPage[] = [];
  for (;;) {
    const page = await pullPage(socket, { cursor, limit });
    if ('error' in page) throw new Error(page.error);
    pages.push(page);
    changes.push(...page.changes);
    cursor = page.cursor;
    if (!page.hasMore) return { changes, cursor, pages };
  }
}

/** The next `sync.poke` on the socket. */
export function nextPoke(socket: DeviceClient, timeoutMs = 5000): Promise<{ version: number }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no sync.poke arrived')), timeoutMs);
    socket.once('sync.poke', (hint) => {
      clearTimeout(timer);
      resolve(hint);
    });
  });
}

let seq = 0;

/** A well-formed uploaded event from a device of `storeId`. */
export function trackEvent(
  storeId: string,
  event: string,
  fields: { userId?: string; anonymousId?: string; properties?: Record<string, unknown>; at?: Date; sentAt?: Date | null; deviceId?: string },
): UploadedEvent {
  const at = fields.at ?? new Date();
  const body: TrackEvent = {
    type: 'track',
    event,
    messageId: randomUUID(),
    ...(fields.userId !== undefined ? { userId: fields.userId } : {}),
    ...(fields.anonymousId !== undefined ? { anonymousId: fields.anonymousId } : {}),
    context: {
      store: { id: storeId },
      device: { id: fields.deviceId ?? `${storeId}-agent`, type: 'store-agent' },
      app: { name: 'segment-of-one-agent', version: '1.0.0' },
    },
    properties: fields.properties ?? {},
    originalTimestamp: at.toISOString(),
    sentAt: fields.sentAt === undefined ? at.toISOString() : fields.sentAt === null ? null : fields.sentAt.toISOString(),
  };
  seq += 1;
  return { seq, event: body };
}

/** A profile body for `PUT /api/profiles/:id`. */
export function profileBody(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    firstName: `Person${n}`,
    lastName: `Test`,
    consents: { greetPublic: true, personalisedOffers: true, tracking: true },
    identifiers: [{ kind: 'loyalty', value: `L${String(n).padStart(8, '0')}` }],
    ...extra,
  };
}

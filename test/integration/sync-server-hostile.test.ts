/**
 * Hostile and broken devices over real Socket.IO: malformed payloads, wrong types, an
 * oversized batch, messages without an ack, huge frames, the wrong namespace. Each gets an
 * error ack or is dropped, and the server goes on serving everyone else. Also: a graceful
 * shutdown finishes an upload already being stored.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '../../protocol/events';
import { MAX_UPLOAD_BATCH } from '../../protocol/sync';
import {
  ask, connectDevice, pairDevice, profileBody, pullAll, pullPage, startTestServer, trackEvent, type DeviceClient, type TestServer,
} from '../../sync-server/testing/test-server';

let test: TestServer | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await test?.stop();
  test = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Emits raw arguments (bypassing the typed API) and awaits the ack. */
function raw(socket: DeviceClient, event: string, ...args: unknown[]): Promise<any> {
  return (socket.timeout(5000) as unknown as { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> }).emitWithAck(event, ...args);
}

describe('sync server: hostile devices', () => {
  it('answers malformed requests with error acks and keeps serving', async () => {
    test = await startTestServer();
    const device = await pairDevice(test, 'S1');
    await test.admin('PUT', '/api/profiles/p1', profileBody(1));
    await test.admin('PUT', '/api/stores/S1/profiles/p1', {});
    const socket = await connectDevice(test, device);

    for (const payload of [undefined, null, 'cursor', 42, [], {}, { cursor: 'x' }, { cursor: -1 }, { cursor: 1.5 }, { cursor: 0, limit: 10_000 }, { cursor: 0, collection: 'secrets' }]) {
      const answer = await raw(socket, 'sync.pull', payload);
      expect(answer.error, JSON.stringify(payload)).toMatch(/invalid sync.pull/);
    }
    expect((await raw(socket, 'sync.checksum', { collection: 'users' })).error).toMatch(/invalid sync.checksum/);
    expect((await raw(socket, 'sync.checksum')).error).toMatch(/invalid sync.checksum/);

    for (const payload of [undefined, { events: 'all' }, { events: [] }, { events: {} }, 'events']) {
      expect((await raw(socket, 'outbox.upload', payload)).error, JSON.stringify(payload)).toMatch(/invalid upload/);
    }
    const huge = Array.from({ length: MAX_UPLOAD_BATCH + 1 }, () => trackEvent('S1', EVENT_NAMES.zoneEntered, { anonymousId: 'b' }));
    expect((await raw(socket, 'outbox.upload', { events: huge })).error).toMatch(/invalid upload: events/);
    // Wrong types inside events are per-event rejections.
    const mixed = await raw(socket, 'outbox.upload', { events: [null, 7, { seq: -1, event: {} }, { seq: 1, event: { type: 'identify' } }] });
    expect(mixed.acked).toEqual([]);
    expect(mixed.rejected).toHaveLength(4);

    // No ack callback: nobody to answer, so nothing is done.
    const dropped = trackEvent('S1', EVENT_NAMES.zoneEntered, { anonymousId: 'b' });
    (socket as unknown as { emit(event: string, ...args: unknown[]): void }).emit('outbox.upload', { events: [dropped] });
    (socket as unknown as { emit(event: string, ...args: unknown[]): void }).emit('sync.pull', { cursor: 0 });
    (socket as unknown as { emit(event: string, ...args: unknown[]): void }).emit('no.such.event', { x: 1 });
    // An ack-only message: no payload at all.
    expect((await raw(socket, 'outbox.upload')).error).toMatch(/invalid upload/);

    // Still serving, and none of the above stored anything.
    const { changes } = await pullAll(socket);
    expect(changes.map((c) => c.key)).toEqual(['p1']);
    const metrics = (await test.admin('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/^sync_events_received_total 0$/m);
    expect(metrics).toMatch(/^sync_invalid_messages_total 22$/m);
    expect((await test.admin('GET', '/healthz', undefined, null)).status).toBe(200);
  });

  it('drops a connection that sends an oversized frame, refuses bad handshakes and the main namespace', async () => {
    test = await startTestServer({ maxSocketMessageBytes: 64 * 1024 });
    const device = await pairDevice(test, 'S1');
    const victim = await connectDevice(test, device);
    const closed = new Promise<string>((resolve) => victim.once('disconnect', resolve));
    victim.emit('outbox.upload', { events: [{ seq: 1, event: { blob: 'x'.repeat(200 * 1024) } } as never] }, () => undefined);
    expect(await closed).toMatch(/transport (close|error)/);

    for (const auth of [{}, { deviceId: 5, credential: [] }, { deviceId: device.deviceId }, { deviceId: device.deviceId, credential: 'short' }]) {
      await expect(connectDevice(test, auth as never)).rejects.toThrow('unauthorized');
    }
    const main = connect(test.server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
    const refused = await new Promise<Error>((resolve) => main.once('connect_error', resolve));
    expect(refused.message).toMatch(/\/device namespace/);
    main.close();

    const healthy = await connectDevice(test, device);
    const page = await pullPage(healthy, { cursor: 0 });
    expect(page).toMatchObject({ changes: [], hasMore: false });
    healthy.disconnect();
  });

  it('finishes an upload already in flight when shutting down, and it is durable', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sync-server-durable-'));
    dirs.push(dataDir);
    test = await startTestServer({ dataDir });
    const device = await pairDevice(test, 'S1');
    const socket = await connectDevice(test, device);
    const closing: Array<Promise<void>> = [];
    const running = test;
    test.server.io.of('/device').on('connection', (serverSocket) => {
      serverSocket.onAny((event: string) => {
        // Two ticks: after the handler has started storing the batch, before it commits.
        if (event === 'outbox.upload') process.nextTick(() => process.nextTick(() => closing.push(running.server.close())));
      });
    });
    // The listener above applies to new connections: reconnect this device.
    socket.disconnect();
    const live = await connectDevice(test, device);
    const disconnected = new Promise<string>((resolve) => live.once('disconnect', resolve));
    const events = [trackEvent('S1', EVENT_NAMES.zoneEntered, { anonymousId: 'b1' }), trackEvent('S1', EVENT_NAMES.zoneLeft, { anonymousId: 'b1' })];
    const ack = await ask(live, 'outbox.upload', { events });
    expect(ack).toEqual({ acked: events.map((e) => e.event.messageId), rejected: [] });
    // A transport close, not a server "disconnect": the agent reconnects by itself later.
    expect(await disconnected).toBe('transport close');
    await Promise.all(closing);
    await test.stop();

    // The next server on the same data directory has them: the replay is a duplicate.
    test = await startTestServer({ dataDir });
    const again = await connectDevice(test, device);
    expect(await ask(again, 'outbox.upload', { events })).toMatchObject({ acked: events.map((e) => e.event.messageId) });
    expect((await test.admin('GET', '/metrics')).body).toMatch(/^sync_events_duplicate_total 2$/m);
  });
});

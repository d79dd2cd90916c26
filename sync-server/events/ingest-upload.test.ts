/**
 * Uploads through ingestUpload against a real SQLite file: uploads that arrive together
 * are stored in one transaction and each acked with its own events, a replay across a
 * group is still a no-op, and nothing is acked or counted unless its transaction committed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../main/log/logger';
import { EVENT_NAMES } from '../../protocol/events';
import type { UploadedEvent, UploadResponse } from '../../protocol/sync';
import { HybridLogicalClock } from '../clock/hlc';
import { resolveConfig } from '../config';
import { InFlight } from '../lifecycle/in-flight';
import { SyncMetrics } from '../metrics/sync-metrics';
import type { StorageOps, SyncStorage } from '../storage/sync-storage';
import type { SyncContext } from '../sync-context';
import { openTempStorage, type TempStorage } from '../testing/temp-storage';
import { trackEvent } from '../testing/test-server';
import { ingestUpload, uploadGroupCommit, type IngestOutcome } from './ingest-upload';
import { DeviceCursors } from '../devices/device-cursors';

const log = createLogger('ingest-upload-test', 'silent');
const now = Date.parse('2030-01-01T12:00:00.000Z');

interface Faults {
  /** Every transaction fails at its commit (after its work ran), as on a full or failing disk. */
  commit?: boolean;
  /** Storing this messageId throws, wherever it is. */
  poisonMessageId?: string;
}

describe('ingestUpload', () => {
  let temp: TempStorage;
  let faults: Faults;
  let transactions: number;

  beforeEach(async () => {
    temp = openTempStorage();
    faults = {};
    transactions = 0;
    const createdAt = new Date(now).toISOString();
    for (const store of ['S1', 'S2']) await temp.storage.createStore({ id: store, name: store, region: null, createdAt });
    for (const [id, storeId] of [['d1', 'S1'], ['d2', 'S1'], ['d3', 'S2']] as const) await temp.storage.createDevice({ id, storeId, name: id, createdAt });
  });
  afterEach(() => temp.cleanup());

  /** The real storage with the faults of `faults` injected, counting transactions. */
  function faultyStorage(real: SyncStorage): SyncStorage {
    const poisoned = (tx: StorageOps): StorageOps =>
      new Proxy(tx, {
        get(target, name) {
          if (name !== 'insertEvents') return Reflect.get(target, name) as unknown;
          return ((events) => {
            if (events.some((e) => e.messageId === faults.poisonMessageId)) return Promise.reject(new Error('poisoned event'));
            return target.insertEvents(events);
          }) satisfies StorageOps['insertEvents'];
        },
      });
    return new Proxy(real, {
      get(target, name) {
        if (name !== 'transaction') return Reflect.get(target, name) as unknown;
        return ((work) => {
          transactions += 1;
          return target.transaction(async (tx) => {
            const result = await work(poisoned(tx));
            if (faults.commit) throw new Error('disk I/O error at commit');
            return result;
          });
        }) satisfies SyncStorage['transaction'];
      },
    });
  }

  function makeContext(): SyncContext {
    const config = resolveConfig({ dataDir: '/nonexistent', adminToken: 'ingest-upload-test-token-0123456789', now: () => now });
    const storage = faultyStorage(temp.storage);
    const metrics = new SyncMetrics();
    const poke = (): void => undefined;
    const context: Omit<SyncContext, 'pairing' | 'devices' | 'storeFiles' | 'regionRescopes'> = {
      config,
      storage,
      hlc: new HybridLogicalClock(config.nodeId, config.now),
      metrics,
      log,
      inFlight: new InFlight(),
      uploads: uploadGroupCommit({ storage, poke, log, metrics }),
      cursors: new DeviceCursors(),
      poke,
      isClosing: () => false,
    };
    // Uploads touch neither pairing, the connected sockets, store files nor region rescopes.
    return context as SyncContext;
  }

  const zone = (store: string): UploadedEvent => trackEvent(store, EVENT_NAMES.zoneEntered, { anonymousId: 'beacon-1' });
  const ids = (events: UploadedEvent[]): string[] => events.map((e) => e.event.messageId);
  const response = (outcome: IngestOutcome): UploadResponse => {
    if (!outcome.ok) throw new Error(outcome.error);
    return outcome.response;
  };
  const stored = async (events: UploadedEvent[]): Promise<Array<string | undefined>> =>
    Promise.all(events.map(async (e) => (await temp.storage.getEvent(e.event.messageId))?.deviceId));

  it('stores uploads from two devices that arrive together in one transaction, and acks each with its own events', async () => {
    const context = makeContext();
    const fromD1 = [zone('S1'), zone('S1')];
    const fromD3 = [zone('S2'), zone('S2'), zone('S2')];
    const [one, three] = await Promise.all([
      ingestUpload(context, { deviceId: 'd1', storeId: 'S1' }, { events: fromD1 }),
      ingestUpload(context, { deviceId: 'd3', storeId: 'S2' }, { events: fromD3 }),
    ]);
    expect(transactions).toBe(1);
    expect(response(one)).toEqual({ acked: ids(fromD1), rejected: [] });
    expect(response(three)).toEqual({ acked: ids(fromD3), rejected: [] });
    expect(await stored([...fromD1, ...fromD3])).toEqual(['d1', 'd1', 'd3', 'd3', 'd3']);
    expect(context.metrics).toMatchObject({ eventsReceived: 5, duplicatesDropped: 0, uploadCommits: 1 });
    expect((await temp.storage.listDevices()).map((d) => [d.id, d.eventsReceived])).toEqual([['d1', 2], ['d2', 0], ['d3', 3]]);
  });

  it('stores a messageId once when two uploads of one group carry it, acks it to both, and a replayed group is a no-op', async () => {
    const context = makeContext();
    const [e1, e2, e3] = [zone('S1'), zone('S1'), zone('S1')];
    const upload = () =>
      Promise.all([
        ingestUpload(context, { deviceId: 'd1', storeId: 'S1' }, { events: [e1, e2] }),
        ingestUpload(context, { deviceId: 'd2', storeId: 'S1' }, { events: [e2, e3] }),
      ]);
    const [first, second] = await upload();
    expect(transactions).toBe(1);
    expect(response(first).acked).toEqual(ids([e1, e2]));
    expect(response(second).acked).toEqual(ids([e2, e3]));
    // The first upload in the group stored it; the second found it there.
    expect(await stored([e1, e2, e3])).toEqual(['d1', 'd1', 'd2']);
    expect(context.metrics).toMatchObject({ eventsReceived: 3, duplicatesDropped: 1 });

    const [again1, again2] = await upload();
    expect(response(again1).acked).toEqual(ids([e1, e2]));
    expect(response(again2).acked).toEqual(ids([e2, e3]));
    expect(context.metrics).toMatchObject({ eventsReceived: 3, duplicatesDropped: 5 });
    expect((await temp.storage.listDevices()).map((d) => d.eventsReceived)).toEqual([2, 1, 0]);
  });

  it('acks and counts nothing when the commit fails: not in the group, nor when each upload is retried alone', async () => {
    const context = makeContext();
    faults.commit = true;
    const fromD1 = [zone('S1')];
    const fromD3 = [zone('S2'), zone('S2')];
    const outcomes = await Promise.allSettled([
      ingestUpload(context, { deviceId: 'd1', storeId: 'S1' }, { events: fromD1 }),
      ingestUpload(context, { deviceId: 'd3', storeId: 'S2' }, { events: fromD3 }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(transactions).toBe(3); // the group, then each upload alone
    expect(await stored([...fromD1, ...fromD3])).toEqual([undefined, undefined, undefined]);
    expect(context.metrics).toMatchObject({ eventsReceived: 0, duplicatesDropped: 0, uploadCommits: 0 });

    // The devices keep their batches and retry; once the disk is back they are stored once.
    faults.commit = false;
    const [one, three] = await Promise.all([
      ingestUpload(context, { deviceId: 'd1', storeId: 'S1' }, { events: fromD1 }),
      ingestUpload(context, { deviceId: 'd3', storeId: 'S2' }, { events: fromD3 }),
    ]);
    expect(response(one).acked).toEqual(ids(fromD1));
    expect(response(three).acked).toEqual(ids(fromD3));
    expect(context.metrics).toMatchObject({ eventsReceived: 3, duplicatesDropped: 0 });
  });

  it('fails only the upload whose storing throws: the others of its group are committed and acked', async () => {
    const context = makeContext();
    const good = [zone('S1'), zone('S1')];
    const bad = [zone('S2'), zone('S2')];
    faults.poisonMessageId = bad[1]!.event.messageId;
    const [fine, failed] = await Promise.allSettled([
      ingestUpload(context, { deviceId: 'd1', storeId: 'S1' }, { events: good }),
      ingestUpload(context, { deviceId: 'd3', storeId: 'S2' }, { events: bad }),
    ]);
    expect(fine).toMatchObject({ status: 'fulfilled', value: { ok: true, response: { acked: ids(good), rejected: [] } } });
    expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'poisoned event' } });
    expect(await stored([...good, ...bad])).toEqual(['d1', 'd1', undefined, undefined]);
    expect(context.metrics).toMatchObject({ eventsReceived: 2, duplicatesDropped: 0 });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackEventSchema } from '../../protocol/events';
import { openDatabase, type Db } from '../store/database';
import { Outbox } from './outbox';

const NOW = Date.parse('2026-03-10T12:00:00Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CONTEXT = {
  store: { id: 'store-7' },
  device: { id: 'agent-1', type: 'store-agent' as const },
  app: { name: 'segment-of-one', version: '0.1.0' },
};

describe('Outbox', () => {
  let dir: string;
  let db: Db;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soo-outbox-'));
    db = openDatabase(join(dir, 'store.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends valid envelopes, pages pending rows in order and survives a reopen', () => {
    const outbox = new Outbox(db, CONTEXT);
    const heard: string[] = [];
    const off = outbox.onAppend((e) => heard.push(e.event));
    for (let i = 0; i < 5; i++) {
      outbox.append({ event: 'Zone Entered', anonymousId: `b-${i}`, properties: { i }, at: new Date(NOW + i) });
    }
    off();
    outbox.append({ event: 'Order Completed', userId: 'c-1', screenId: 'counter', properties: {}, at: new Date(NOW) });
    expect(heard).toHaveLength(5);
    expect(outbox.pending()).toBe(6);
    const page1 = outbox.readPending(0, 4);
    expect(page1.map((r) => r.event.properties.i)).toEqual([0, 1, 2, 3]);
    const page2 = outbox.readPending(page1.at(-1)!.seq, 4);
    expect(page2).toHaveLength(2);
    expect(page2[1]!.event).toMatchObject({ event: 'Order Completed', userId: 'c-1', context: { screen: { id: 'counter' } } });
    expect(page1[0]!.event.context.screen).toBeUndefined();
    for (const row of [...page1, ...page2]) {
      expect(row.messageId).toBe(row.event.messageId);
      expect(trackEventSchema.safeParse(row.event).success).toBe(true);
    }
    const file = db.name;
    db.close();
    db = openDatabase(file);
    expect(new Outbox(db, CONTEXT).pending()).toBe(6);
  });

  it('sent rows are no longer pending', () => {
    const outbox = new Outbox(db, CONTEXT);
    const a = outbox.append({ event: 'Zone Entered', anonymousId: 'x', properties: {}, at: new Date(NOW) });
    outbox.append({ event: 'Zone Left', anonymousId: 'x', properties: {}, at: new Date(NOW) });
    db.prepare('UPDATE outbox SET sent_at = ? WHERE message_id = ?').run(new Date(NOW).toISOString(), a.messageId);
    expect(outbox.pending()).toBe(1);
    expect(outbox.readPending().map((r) => r.event.event)).toEqual(['Zone Left']);
  });
  it('builds the Segment envelope with a fresh uuid per event', () => {
    const outbox = new Outbox(db, CONTEXT);
    const at = new Date(NOW);
    const a = outbox.append({ event: 'Customer Recognized', userId: 'c-1', screenId: 'entrance', properties: { method: 'scan' }, at });
    const b = outbox.append({ event: 'Customer Recognized', userId: 'c-1', screenId: 'entrance', properties: { method: 'scan' }, at });
    expect(a).toEqual({
      type: 'track',
      event: 'Customer Recognized',
      messageId: expect.stringMatching(UUID),
      userId: 'c-1',
      context: { ...CONTEXT, screen: { id: 'entrance' } },
      properties: { method: 'scan' },
      originalTimestamp: '2026-03-10T12:00:00.000Z',
      sentAt: null,
    });
    expect(b.messageId).not.toBe(a.messageId);
    expect(trackEventSchema.parse(a)).toEqual(a);
    expect(outbox.readPending().map((r) => r.event)).toEqual([a, b]);
  });

  it('an append inside a transaction that rolls back leaves no row', () => {
    const outbox = new Outbox(db, CONTEXT);
    const tx = db.transaction(() => {
      outbox.append({ event: 'Zone Entered', anonymousId: 'x', properties: {}, at: new Date(NOW) });
      throw new Error('state change failed');
    });
    expect(() => tx()).toThrow('state change failed');
    expect(outbox.pending()).toBe(0);
  });
});

/**
 * The durable outbox. An event is appended inside the caller's transaction, beside the
 * state change it records, so both land or neither does; synchronous=FULL and WAL make
 * a committed row survive a hard kill or power loss.
 */
import { randomUUID } from 'node:crypto';
import type { EventContext, EventName, TrackEvent } from '../../protocol/events';
import type { Db } from '../store/database';

export interface NewEvent {
  event: EventName;
  userId?: string;
  anonymousId?: string;
  screenId?: string;
  properties: Record<string, unknown>;
  at: Date;
}

export interface OutboxRow {
  seq: number;
  messageId: string;
  event: TrackEvent;
}

export class Outbox {
  private readonly insert;
  private readonly pendingCount;
  private readonly pendingPage;
  private readonly onAppendListeners = new Set<(event: TrackEvent) => void>();

  constructor(
    db: Db,
    private readonly context: Omit<EventContext, 'screen'>,
  ) {
    this.insert = db.prepare('INSERT INTO outbox (message_id, event, payload, created_at) VALUES (?, ?, ?, ?)');
    this.pendingCount = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL');
    this.pendingPage = db.prepare<[number, number], { seq: number; message_id: string; payload: string }>(
      'SELECT seq, message_id, payload FROM outbox WHERE sent_at IS NULL AND seq > ? ORDER BY seq LIMIT ?',
    );
  }

  /** Appends one event; call inside the transaction of the state change it records. */
  append(input: NewEvent): TrackEvent {
    const event: TrackEvent = {
      type: 'track',
      event: input.event,
      messageId: randomUUID(),
      ...(input.userId !== undefined ? { userId: input.userId } : {}),
      ...(input.anonymousId !== undefined ? { anonymousId: input.anonymousId } : {}),
      context: { ...this.context, ...(input.screenId !== undefined ? { screen: { id: input.screenId } } : {}) },
      properties: input.properties,
      originalTimestamp: input.at.toISOString(),
      sentAt: null,
    };
    this.insert.run(event.messageId, event.event, JSON.stringify(event), event.originalTimestamp);
    for (const listener of this.onAppendListeners) listener(event);
    return event;
  }

  /** Listeners hear of appends synchronously, before the surrounding transaction commits. */
  onAppend(listener: (event: TrackEvent) => void): () => void {
    this.onAppendListeners.add(listener);
    return () => this.onAppendListeners.delete(listener);
  }

  pending(): number {
    return this.pendingCount.get()?.n ?? 0;
  }

  /** Pending events in order, a page at a time, for the uploader. */
  readPending(afterSeq = 0, limit = 500): OutboxRow[] {
    return this.pendingPage.all(afterSeq, limit).map((row) => ({
      seq: row.seq,
      messageId: row.message_id,
      event: JSON.parse(row.payload) as TrackEvent,
    }));
  }
}

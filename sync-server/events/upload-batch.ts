/**
 * Checks an upload one event at a time. A bad event is rejected with its reason and the
 * good ones go on; the store id comes from the device's credential, and an event claiming
 * another store is refused (a device speaks only for its own store).
 */
import { uploadRequestSchema, uploadedEventSchema, type UploadResponse } from '../../protocol/sync';
import type { TrackEvent } from '../../protocol/events';
import { correctTimestamp } from '../clock/clock-skew';
import { readProfileEvent, type ProfileEvent } from '../profiles/profile-event';

export interface DeviceIdentity {
  deviceId: string;
  storeId: string;
}

export interface AcceptedEvent {
  seq: number;
  event: TrackEvent;
  receivedAt: Date;
  /** Skew-corrected (clock/clock-skew.ts). */
  timestamp: Date;
  fact: ProfileEvent | null;
}

export type CheckedUpload =
  | { ok: true; accepted: AcceptedEvent[]; rejected: UploadResponse['rejected'] }
  | { ok: false; error: string };

export function checkUpload(request: unknown, device: DeviceIdentity, receivedAt: Date): CheckedUpload {
  const batch = uploadRequestSchema.safeParse(request);
  if (!batch.success) return { ok: false, error: `invalid upload: ${describe(batch.error.issues)}` };
  const accepted: AcceptedEvent[] = [];
  const rejected: UploadResponse['rejected'] = [];
  for (const raw of batch.data.events) {
    const parsed = uploadedEventSchema.safeParse(raw);
    if (!parsed.success) {
      rejected.push({ messageId: messageIdOf(raw), reason: describe(parsed.error.issues) });
      continue;
    }
    const { seq, event } = parsed.data;
    if (event.context.store.id !== device.storeId) {
      rejected.push({ messageId: event.messageId, reason: `event is for store ${event.context.store.id}, but this device belongs to ${device.storeId}` });
      continue;
    }
    const fact = readProfileEvent(event);
    if (fact !== null && 'error' in fact) {
      rejected.push({ messageId: event.messageId, reason: fact.error });
      continue;
    }
    accepted.push({ seq, event, receivedAt, timestamp: correctTimestamp(event.originalTimestamp, event.sentAt, receivedAt), fact });
  }
  return { ok: true, accepted, rejected };
}

/** The messageId of an event too broken to parse, if it has a usable one, for the device's bookkeeping. */
function messageIdOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const event = (raw as { event?: unknown }).event;
  if (typeof event !== 'object' || event === null) return null;
  const id = (event as { messageId?: unknown }).messageId;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : null;
}

function describe(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || 'value'}: ${issue.message}`)
    .join('; ');
}

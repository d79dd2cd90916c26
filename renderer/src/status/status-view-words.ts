import { timeAgo } from '../kiosk/time-ago';
import type { SyncReport } from './status-report';

export type Tone = 'ok' | 'warn' | 'down' | 'neutral';

export interface Words {
  text: string;
  tone: Tone;
}

/** The head-office link's state in words a store technician can act on. */
export function syncStateWords(state: string | null): Words {
  switch (state) {
    case 'online':
      return { text: 'Online: linked to head office', tone: 'ok' };
    case 'connecting':
      return { text: 'Connecting to head office…', tone: 'warn' };
    case 'pairing':
      return { text: 'Pairing with head office…', tone: 'warn' };
    case 'offline':
      return { text: 'Offline: retrying; events wait in the outbox', tone: 'warn' };
    case 'unpaired':
      return { text: 'Not paired: enter the pairing code from head office', tone: 'down' };
    case 'revoked':
      return { text: 'Revoked by head office: a new pairing code is needed', tone: 'down' };
    case 'not-configured':
      return { text: 'No head office set up: this store runs on its own', tone: 'neutral' };
    case null:
      return { text: 'Not reported by this agent', tone: 'neutral' };
    default:
      return { text: `Unknown state “${state}”`, tone: 'warn' };
  }
}

/** The store's MQTT broker, which every beacon gateway and networked scanner goes through. */
export function brokerWords(connected: boolean | null): Words {
  if (connected === true) return { text: 'Connected', tone: 'ok' };
  if (connected === false) return { text: 'Not connected: sightings and networked scans are not arriving', tone: 'down' };
  return { text: 'Not reported', tone: 'neutral' };
}

/** An ISO time as the technician reads it, "2026-03-10 08:00:05" in the screen's time zone; unreadable gives "". */
export function clockTime(iso: string, timeZone?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

const counts = new Intl.NumberFormat('en-GB');

/** A count with thousands separators, "12,345"; null is "—" (not reported). */
export function countWords(n: number | null): string {
  return n === null ? '—' : counts.format(n);
}

/** A past moment both ways: "2026-03-10 08:00:05 (4 min ago)". Unreadable gives "". */
export function momentWords(iso: string, nowMs: number, timeZone?: string): string {
  const clock = clockTime(iso, timeZone);
  return clock === '' ? '' : `${clock} (${timeAgo(iso, nowMs)})`;
}

/** When the last full sync with head office finished; the agent forgets it on restart. */
export function lastSyncWords(sync: SyncReport, nowMs: number, timeZone?: string): string {
  if (sync.state === 'not-configured') return 'Not applicable';
  if (sync.lastSyncAt === null) return 'Not yet since the agent started';
  return momentWords(sync.lastSyncAt, nowMs, timeZone) || sync.lastSyncAt;
}

/** Whether the link needs a pairing code typed here. */
export function needsPairing(state: string | null): boolean {
  return state === 'unpaired' || state === 'revoked';
}

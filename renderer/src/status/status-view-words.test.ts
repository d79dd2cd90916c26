import { describe, expect, it } from 'vitest';
import type { SyncReport } from './status-report';
import { brokerWords, clockTime, countWords, lastSyncWords, momentWords, needsPairing, syncStateWords } from './status-view-words';

const sync = (over: Partial<SyncReport>): SyncReport => ({ state: 'online', lastSyncAt: null, cursor: 0, remaining: 0, lastError: null, ...over });
const NOW = Date.parse('2026-03-10T08:10:00Z');

describe('syncStateWords', () => {
  it('says every state of the head-office link in words, with a tone', () => {
    expect(syncStateWords('online')).toEqual({ text: 'Online: linked to head office', tone: 'ok' });
    expect(syncStateWords('connecting').tone).toBe('warn');
    expect(syncStateWords('pairing').text).toBe('Pairing with head office…');
    expect(syncStateWords('offline').text).toContain('events wait in the outbox');
    expect(syncStateWords('unpaired')).toEqual({ text: 'Not paired: enter the pairing code from head office', tone: 'down' });
    expect(syncStateWords('revoked').text).toContain('new pairing code');
    expect(syncStateWords('not-configured')).toEqual({ text: 'No head office set up: this store runs on its own', tone: 'neutral' });
  });

  it('says so when the agent reports no state, or one this screen does not know', () => {
    expect(syncStateWords(null).text).toBe('Not reported by this agent');
    expect(syncStateWords('teleporting')).toEqual({ text: 'Unknown state “teleporting”', tone: 'warn' });
  });
});

describe('brokerWords', () => {
  it('says whether sightings and scans can arrive', () => {
    expect(brokerWords(true)).toEqual({ text: 'Connected', tone: 'ok' });
    expect(brokerWords(false).tone).toBe('down');
    expect(brokerWords(false).text).toContain('not arriving');
    expect(brokerWords(null).text).toBe('Not reported');
  });
});

describe('clockTime and momentWords', () => {
  it('gives a sortable local time, and how long ago', () => {
    expect(clockTime('2026-03-10T08:00:05Z', 'UTC')).toBe('2026-03-10 08:00:05');
    expect(clockTime('2026-03-10T08:00:05Z', 'Europe/Paris')).toBe('2026-03-10 09:00:05');
    expect(clockTime('2026-03-10T00:30:00Z', 'UTC')).toBe('2026-03-10 00:30:00');
    expect(momentWords('2026-03-10T08:06:00Z', NOW, 'UTC')).toBe('2026-03-10 08:06:00 (4 min ago)');
  });

  it('gives nothing for a time it cannot read', () => {
    expect(clockTime('yesterday', 'UTC')).toBe('');
    expect(momentWords('yesterday', NOW, 'UTC')).toBe('');
  });
});

describe('lastSyncWords', () => {
  it('tells a finished sync, none yet, and a store without head office apart', () => {
    expect(lastSyncWords(sync({ lastSyncAt: '2026-03-10T08:09:30Z' }), NOW, 'UTC')).toBe('2026-03-10 08:09:30 (just now)');
    expect(lastSyncWords(sync({ state: 'unpaired' }), NOW, 'UTC')).toBe('Not yet since the agent started');
    expect(lastSyncWords(sync({ state: 'not-configured' }), NOW, 'UTC')).toBe('Not applicable');
    expect(lastSyncWords(sync({ lastSyncAt: 'garbled' }), NOW, 'UTC')).toBe('garbled');
  });
});

describe('countWords', () => {
  it('groups thousands and marks a count not reported', () => {
    expect(countWords(0)).toBe('0');
    expect(countWords(12345)).toBe('12,345');
    expect(countWords(null)).toBe('—');
  });
});

describe('needsPairing', () => {
  it('asks for a code only when the agent waits for one', () => {
    expect(needsPairing('unpaired')).toBe(true);
    expect(needsPairing('revoked')).toBe(true);
    for (const state of ['online', 'offline', 'connecting', 'pairing', 'not-configured', null]) expect(needsPairing(state)).toBe(false);
  });
});

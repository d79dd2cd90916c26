import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../../protocol/bridge';
import { isKnownSyncState, readStatusReport } from './status-report';

const status: AgentStatus = {
  storeId: 'store-1',
  deviceId: 'entrance-pc',
  startedAt: '2026-03-10T08:00:00.000Z',
  broker: { url: 'mqtt://127.0.0.1:1883', connected: true, embedded: false, messagesReceived: 1200 },
  profiles: 5321,
  outboxPending: 7,
  sync: { state: 'online', lastSyncAt: '2026-03-10T08:01:00.000Z', cursor: 981, remaining: 0, lastError: null },
  rejected: { 'mqtt-bad-json': 2, 'scan-invalid': 5, 'bridge-bad-frame': 0 },
};

describe('readStatusReport', () => {
  it('reads every fact of a full status', () => {
    expect(readStatusReport(status)).toEqual({
      storeId: 'store-1',
      deviceId: 'entrance-pc',
      startedAt: '2026-03-10T08:00:00.000Z',
      broker: { url: 'mqtt://127.0.0.1:1883', connected: true, embedded: false, messagesReceived: 1200 },
      profiles: 5321,
      outboxPending: 7,
      sync: { state: 'online', lastSyncAt: '2026-03-10T08:01:00.000Z', cursor: 981, remaining: 0, lastError: null },
      rejected: [
        { reason: 'scan-invalid', count: 5 },
        { reason: 'mqtt-bad-json', count: 2 },
      ],
    });
  });

  it('orders rejections by count, then by reason, and leaves out zero and unreadable counts', () => {
    const report = readStatusReport({ ...status, rejected: { b: 3, a: 3, c: 9, d: 0, e: 'x', f: -2 } });
    expect(report?.rejected).toEqual([
      { reason: 'c', count: 9 },
      { reason: 'a', count: 3 },
      { reason: 'b', count: 3 },
    ]);
  });

  it('keeps what an older or newer agent does report, and marks the rest as not reported', () => {
    const { sync: _sync, rejected: _rejected, broker: _broker, ...older } = status;
    const report = readStatusReport(older);
    expect(report?.outboxPending).toBe(7);
    expect(report?.broker).toBeNull();
    expect(report?.rejected).toEqual([]);
    expect(report?.sync).toEqual({ state: null, lastSyncAt: null, cursor: null, remaining: null, lastError: null });
    expect(readStatusReport({ ...status, sync: { ...status.sync, state: 'teleporting' } })?.sync.state).toBe('teleporting');
    expect(readStatusReport({ ...status, outboxPending: '7', profiles: Number.NaN })).toMatchObject({ outboxPending: null, profiles: null });
  });

  it('reads counts as whole, non-negative numbers', () => {
    expect(readStatusReport({ ...status, outboxPending: 3.7, profiles: -1 })).toMatchObject({ outboxPending: 3, profiles: 0 });
  });

  it('refuses what is not a status at all', () => {
    expect(readStatusReport(null)).toBeNull();
    expect(readStatusReport('online')).toBeNull();
    expect(readStatusReport([status])).toBeNull();
  });
});

describe('isKnownSyncState', () => {
  it('knows the states of the bridge protocol only', () => {
    expect(isKnownSyncState('unpaired')).toBe(true);
    expect(isKnownSyncState('not-configured')).toBe(true);
    expect(isKnownSyncState('teleporting')).toBe(false);
    expect(isKnownSyncState(null)).toBe(false);
  });
});

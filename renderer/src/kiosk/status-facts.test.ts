import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../../protocol/bridge';
import { readStatusFacts } from './status-facts';

const status: AgentStatus = {
  storeId: 'store-1',
  deviceId: 'till-pc',
  startedAt: '2026-03-10T08:00:00Z',
  broker: { url: 'mqtt://127.0.0.1:1883', connected: true, embedded: true, messagesReceived: 10 },
  profiles: 100,
  outboxPending: 4,
  sync: { state: 'offline', lastSyncAt: null, cursor: 0, remaining: 0, lastError: 'ECONNREFUSED' },
  rejected: {},
};

describe('readStatusFacts', () => {
  it('reads the broker, the outbox and the head-office link', () => {
    expect(readStatusFacts(status)).toEqual({ brokerConnected: true, outboxPending: 4, sync: 'offline' });
  });

  it('still reads an agent that reports no head-office link', () => {
    const { sync: _sync, ...older } = status;
    expect(readStatusFacts(older)).toEqual({ brokerConnected: true, outboxPending: 4, sync: null });
    expect(readStatusFacts({ ...status, sync: { state: 'teleporting' } })?.sync).toBeNull();
  });

  it('refuses what lacks the facts it shows', () => {
    expect(readStatusFacts(null)).toBeNull();
    expect(readStatusFacts({ ...status, broker: null })).toBeNull();
    expect(readStatusFacts({ ...status, outboxPending: '4' })).toBeNull();
    expect(readStatusFacts({ ...status, outboxPending: -3 })?.outboxPending).toBe(0);
  });
});

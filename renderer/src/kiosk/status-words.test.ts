import { describe, expect, it } from 'vitest';
import type { StatusFacts } from './status-facts';
import { statusWords } from './status-words';

const facts = (brokerConnected: boolean, outboxPending: number, sync: StatusFacts['sync'] = null): StatusFacts => ({ brokerConnected, outboxPending, sync });

describe('statusWords', () => {
  it('says online or offline with the events waiting, from the broker when there is no head-office link', () => {
    expect(statusWords(facts(true, 0), null)).toEqual({
      tone: 'ok',
      label: 'Online',
      pending: 0,
      pendingWords: 'events waiting to upload',
      detail: null,
    });
    expect(statusWords(facts(false, 12), null)).toMatchObject({ tone: 'warn', label: 'Offline', pending: 12 });
    expect(statusWords(facts(false, 1), null).pendingWords).toBe('event waiting to upload');
  });

  it('follows the head-office link where there is one, and mentions a broker that is down', () => {
    expect(statusWords(facts(true, 7, 'offline'), null)).toMatchObject({ tone: 'warn', label: 'Offline', pending: 7, detail: null });
    expect(statusWords(facts(true, 0, 'online'), null)).toMatchObject({ tone: 'ok', label: 'Online' });
    expect(statusWords(facts(false, 0, 'online'), null)).toMatchObject({ tone: 'warn', label: 'Online', detail: expect.stringMatching(/Sensors/) });
    expect(statusWords(facts(true, 2, 'unpaired'), null)).toMatchObject({ tone: 'warn', label: 'Not linked to head office' });
    expect(statusWords(facts(true, 2, 'not-configured'), null)).toMatchObject({ tone: 'warn', label: 'Offline: no head office set up' });
  });

  it('says when the agent does not answer, keeping the last count it gave', () => {
    expect(statusWords(facts(true, 3), 'timed out')).toMatchObject({ tone: 'down', label: 'Store agent not responding', pending: 3 });
    expect(statusWords(null, 'timed out')).toMatchObject({ tone: 'down', pending: null });
    expect(statusWords(null, null)).toMatchObject({ tone: 'warn', label: 'Connecting to the store agent…', pending: null });
  });
});

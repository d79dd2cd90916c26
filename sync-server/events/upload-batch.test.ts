import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EVENT_NAMES } from '../../protocol/events';
import { MAX_UPLOAD_BATCH } from '../../protocol/sync';
import { checkUpload } from './upload-batch';

const device = { deviceId: 'dev-1', storeId: 'S1' };
const receivedAt = new Date('2030-01-01T12:00:00.000Z');

const uploaded = (event: string, fields: Record<string, unknown> = {}, seq = 1) => ({
  seq,
  event: {
    type: 'track', event, messageId: randomUUID(), userId: 'p1',
    context: { store: { id: 'S1' }, device: { id: 'agent', type: 'store-agent' }, app: { name: 'agent', version: '1' } },
    properties: {}, originalTimestamp: '2030-01-01T13:00:00.000Z', sentAt: '2030-01-01T13:00:30.000Z',
    ...fields,
  },
});

describe('checking an upload', () => {
  it('refuses a batch that is not a list of 1..MAX_UPLOAD_BATCH events', () => {
    expect(checkUpload({ events: [] }, device, receivedAt)).toMatchObject({ ok: false });
    expect(checkUpload(null, device, receivedAt)).toMatchObject({ ok: false });
    const tooMany = Array.from({ length: MAX_UPLOAD_BATCH + 1 }, () => uploaded('Zone Entered'));
    expect(checkUpload({ events: tooMany }, device, receivedAt)).toMatchObject({ ok: false, error: expect.stringMatching(/events/) });
  });

  it('rejects bad events one by one, keeps the good ones, and corrects their clock', () => {
    const good = uploaded(EVENT_NAMES.customerRecognized, { properties: { newVisit: true } });
    const foreign = uploaded('Zone Entered', { context: { store: { id: 'S2' }, device: { id: 'a', type: 'store-agent' }, app: { name: 'a', version: '1' } } });
    const enrolWithoutUser = uploaded(EVENT_NAMES.customerEnrolled, { userId: undefined, anonymousId: 'x', properties: { firstName: 'A', consents: {} } });
    const linkWithoutValue = uploaded(EVENT_NAMES.identityLinked, { properties: { kind: 'loyalty' } });
    const checked = checkUpload({ events: [good, foreign, enrolWithoutUser, linkWithoutValue, { seq: 0 }] }, device, receivedAt);
    if (!checked.ok) throw new Error(checked.error);
    expect(checked.accepted).toHaveLength(1);
    expect(checked.accepted[0]).toMatchObject({
      seq: 1,
      fact: { type: 'recognized', userId: 'p1', newVisit: true },
      timestamp: new Date('2030-01-01T11:59:30.000Z'),
    });
    expect(checked.rejected.map((r) => r.reason)).toEqual([
      expect.stringMatching(/store S2/),
      expect.stringMatching(/needs a userId/),
      expect.stringMatching(/properties.value/),
      expect.stringMatching(/seq|event/),
    ]);
    expect(checked.rejected[3]!.messageId).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { requestArgSchemas } from '../../../protocol/bridge';
import type { PresentCustomer } from '../../../protocol/kiosk';
import { beaconTail, enrolArgs, initialBeacon, linkSummary, NO_CONSENTS, type EnrolForm } from './enrol-request';

const today = new Date(2026, 2, 10);
const form = (overrides: Partial<EnrolForm> = {}): EnrolForm => ({
  firstName: ' Ana ',
  lastName: '',
  birthday: { mode: 'none' },
  consents: NO_CONSENTS,
  linkScannedCode: true,
  beaconId: null,
  ...overrides,
});
const visitor = (beaconId: string): PresentCustomer => ({
  key: beaconId,
  kind: 'anonymous',
  profileId: null,
  displayName: null,
  tier: null,
  via: 'beacon',
  since: '2026-03-10T09:00:00Z',
  beaconId,
});

describe('enrolArgs', () => {
  it('sends a first name alone with every consent off and nothing linked', () => {
    const result = enrolArgs(form({ linkScannedCode: false }), 'till', 'CODE-1', today);
    expect(result).toEqual({ ok: true, args: { screenId: 'till', firstName: 'Ana', consents: NO_CONSENTS, link: {} } });
    expect(result.ok && requestArgSchemas['kiosk.enrol'].safeParse(result.args).success).toBe(true);
  });

  it('sends everything given, in a shape the agent accepts', () => {
    const result = enrolArgs(
      form({
        lastName: ' Silva ',
        birthday: { mode: 'day-month', day: 14, month: 7 },
        consents: { greetPublic: true, personalisedOffers: false, tracking: true },
        beaconId: 'ble:aa:bb',
      }),
      'till',
      'CODE-1',
      today,
    );
    expect(result).toEqual({
      ok: true,
      args: {
        screenId: 'till',
        firstName: 'Ana',
        lastName: 'Silva',
        birthday: '--07-14',
        consents: { greetPublic: true, personalisedOffers: false, tracking: true },
        link: { scannedCode: 'CODE-1', beaconId: 'ble:aa:bb' },
      },
    });
    expect(result.ok && requestArgSchemas['kiosk.enrol'].safeParse(result.args).success).toBe(true);
  });

  it('links no scanned code when there is none', () => {
    const result = enrolArgs(form(), 'till', null, today);
    expect(result.ok && result.args.link).toEqual({});
  });

  it('says what to fix, field by field', () => {
    expect(enrolArgs(form({ firstName: '  ', birthday: { mode: 'day-month', day: 31, month: 2 } }), 'till', null, today)).toEqual({
      ok: false,
      problems: { firstName: 'Enter a first name.', birthday: 'February has no day 31.' },
    });
  });
});

describe('initialBeacon', () => {
  it('offers the tapped visitor, or the only anonymous one, but does not guess among several', () => {
    expect(initialBeacon('b9', [visitor('b1'), visitor('b2')])).toBe('b9');
    expect(initialBeacon(null, [visitor('b1')])).toBe('b1');
    expect(initialBeacon(null, [visitor('b1'), visitor('b2')])).toBeNull();
    expect(initialBeacon(null, [])).toBeNull();
  });
});

describe('linkSummary', () => {
  it('says in one line what enrolment will link', () => {
    expect(beaconTail('ble:c3:9a:11:4f')).toBe('…1:4f');
    expect(linkSummary('2900000012345', 'ble:c3:9a:11:4f')).toBe('Links card 2900000012345 and the visitor …1:4f');
    expect(linkSummary(null, 'ble:c3:9a:11:4f')).toBe('Links the visitor …1:4f');
    expect(linkSummary(null, null)).toBe('Nothing will be linked');
  });
});

import type { AgentRequestArgs } from '../../../protocol/bridge';
import type { PresentCustomer } from '../../../protocol/kiosk';
import { birthdayForWire, type BirthdayInput } from './birthday-input';

export interface EnrolConsents {
  greetPublic: boolean;
  personalisedOffers: boolean;
  tracking: boolean;
}

/** Consent is asked, never assumed: every toggle starts off. */
export const NO_CONSENTS: EnrolConsents = { greetPublic: false, personalisedOffers: false, tracking: false };

export interface EnrolForm {
  firstName: string;
  lastName: string;
  birthday: BirthdayInput;
  consents: EnrolConsents;
  /** Link the card just scanned (when there is one). */
  linkScannedCode: boolean;
  /** The anonymous beacon at the counter to link, if any. */
  beaconId: string | null;
}

export type EnrolProblems = Partial<Record<'firstName' | 'birthday', string>>;

export type EnrolArgsResult = { ok: true; args: AgentRequestArgs<'kiosk.enrol'> } | { ok: false; problems: EnrolProblems };

/**
 * Which beacon the form offers to link at first: the visitor staff tapped, or the only
 * anonymous one at the counter. With several and none tapped it is left to staff, since
 * linking the wrong one would tie a stranger's phone to this customer.
 */
export function initialBeacon(tapped: string | null, present: readonly PresentCustomer[]): string | null {
  if (tapped) return tapped;
  const anonymous = present.filter((c) => c.kind === 'anonymous' && c.beaconId);
  return anonymous.length === 1 ? (anonymous[0]?.beaconId ?? null) : null;
}

/** The `kiosk.enrol` arguments from the form, or what to fix, field by field. */
export function enrolArgs(form: EnrolForm, screenId: string, scannedCode: string | null, today: Date = new Date()): EnrolArgsResult {
  const problems: EnrolProblems = {};
  const firstName = form.firstName.trim();
  if (firstName === '') problems.firstName = 'Enter a first name.';
  else if (firstName.length > 80) problems.firstName = 'That first name is too long.';
  const lastName = form.lastName.trim().slice(0, 80);
  const birthday = birthdayForWire(form.birthday, today);
  if (!birthday.ok) problems.birthday = birthday.problem;
  if (Object.keys(problems).length > 0 || !birthday.ok) return { ok: false, problems };

  const link: AgentRequestArgs<'kiosk.enrol'>['link'] = {};
  if (form.linkScannedCode && scannedCode) link.scannedCode = scannedCode;
  if (form.beaconId) link.beaconId = form.beaconId;
  const args: AgentRequestArgs<'kiosk.enrol'> = { screenId, firstName, consents: { ...form.consents }, link };
  if (lastName) args.lastName = lastName;
  if (birthday.birthday) args.birthday = birthday.birthday;
  return { ok: true, args };
}

/** The last few characters of a beacon id: enough for staff to tell two phones apart, no more. */
export function beaconTail(beaconId: string): string {
  return `…${beaconId.slice(-4)}`;
}

/** What submitting will link, in one line: "Links card 2900… and the visitor …114f". */
export function linkSummary(scannedCode: string | null, beaconId: string | null): string {
  const parts = [scannedCode && `card ${scannedCode}`, beaconId && `the visitor ${beaconTail(beaconId)}`].filter(Boolean);
  return parts.length > 0 ? `Links ${parts.join(' and ')}` : 'Nothing will be linked';
}

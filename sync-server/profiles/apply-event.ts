/**
 * What one uploaded event does to a profile, as a pure function of the profile and the
 * event (field-clocks.ts has the conflict rule). Identifier ownership lives in the
 * database, so a link comes back as `addIdentifier` for the caller to check and store.
 */
import type { Identifier } from '../../protocol/identifiers';
import { blankProfile, type CentralProfile } from './central-profile';
import { lwwDelta, lwwSet, isNewerThanField } from './field-clocks';
import type { EnrolledFields, ProfileEvent } from './profile-event';
import { addOrder } from './purchase-summary';
import { rememberGreeting } from './remembered-greetings';

export interface EventContext {
  /** The event's encoded HLC (event-clock.ts). */
  clock: string;
  /** Skew-corrected time of the event. */
  timestamp: Date;
  /** The uploading device's store. */
  storeId: string;
}

export interface ApplyOutcome {
  /** The profile after the event; undefined when there is none to apply to. */
  profile: CentralProfile | undefined;
  created: boolean;
  /** Whether the golden record changed (and so must flow down to the stores). */
  changed: boolean;
  /** An identifier the event links, if the link is newer than the last identifier set. */
  addIdentifier?: Identifier;
}

const CONSENT_PURPOSES = ['greetPublic', 'personalisedOffers', 'tracking'] as const;

export function applyProfileEvent(current: CentralProfile | undefined, event: ProfileEvent, context: EventContext): ApplyOutcome {
  if (!current) {
    // Only an enrolment creates a profile: anything else about an unknown person (one a
    // store imported locally, say) stays on the timeline until head office knows them.
    if (event.type !== 'enrolled') return { profile: undefined, created: false, changed: false };
    return { profile: createFromEnrolment(event.userId, event.fields, context), created: true, changed: true };
  }
  const profile: CentralProfile = structuredClone(current);
  const { clock } = context;
  let changed = false;
  switch (event.type) {
    case 'enrolled':
      changed = setEnrolledFields(profile, event.fields, clock);
      if (profile.homeStoreId === null) {
        profile.homeStoreId = context.storeId;
        changed = true;
      }
      break;
    case 'linked': {
      const { identifier } = event;
      const known = profile.identifiers.some((i) => i.kind === identifier.kind && i.value === identifier.value);
      if (!known && isNewerThanField(profile.clocks, 'identifiers', clock)) return { profile, created: false, changed: false, addIdentifier: identifier };
      break;
    }
    case 'recognized': {
      if (!event.newVisit) break;
      const at = context.timestamp.toISOString();
      changed = lwwDelta(profile.clocks, 'visitCount', clock, () => {
        profile.fields.visitCount += 1;
        return true;
      });
      changed =
        lwwDelta(profile.clocks, 'lastVisitAt', clock, () => {
          if (profile.fields.lastVisitAt !== undefined && Date.parse(profile.fields.lastVisitAt) >= context.timestamp.getTime()) return false;
          profile.fields.lastVisitAt = at;
          return true;
        }) || changed;
      break;
    }
    case 'greeted':
      // A delta: greetings from every store are all kept (the newest per rule); an admin's
      // edit of the list (clearing it, admin-patch.ts) outranks the greetings before it.
      changed = lwwDelta(profile.clocks, 'greetings', clock, () => {
        // A profile stored before greetings were remembered has none in its fields yet.
        const next = rememberGreeting(profile.fields.greetings ?? [], event.ruleId, context.timestamp);
        if (next === profile.fields.greetings) return false;
        profile.fields.greetings = next;
        return true;
      });
      break;
    case 'order': {
      const points = Math.floor(event.total);
      changed = lwwDelta(profile.clocks, 'points', clock, () => {
        profile.fields.points += points;
        return points > 0;
      });
      changed =
        lwwDelta(profile.clocks, 'purchaseSummary', clock, () => {
          profile.fields.purchaseSummary = addOrder(profile.fields.purchaseSummary, event.total, event.items);
          return true;
        }) || changed;
      break;
    }
  }
  return { profile, created: false, changed };
}

function createFromEnrolment(userId: string, fields: EnrolledFields, context: EventContext): CentralProfile {
  const profile = blankProfile(userId, context.timestamp);
  profile.homeStoreId = context.storeId;
  // The enrolment is the first visit, as on the store's own copy. Counters start without a
  // clock: a starting value is not a write that later visits and orders could be older than.
  profile.fields.visitCount = 1;
  profile.fields.lastVisitAt = context.timestamp.toISOString();
  profile.fields.memberSince = context.timestamp.toISOString().slice(0, 10);
  setEnrolledFields(profile, fields, context.clock);
  return profile;
}

/** An enrolment's own fields are sets: a newer edit of the name or a consent wins. */
function setEnrolledFields(profile: CentralProfile, fields: EnrolledFields, clock: string): boolean {
  const { clocks } = profile;
  let changed = false;
  const set = (field: 'firstName' | 'lastName' | 'birthday' | 'memberSince'): void => {
    const value = fields[field];
    if (value === undefined) return; // not given at the counter: nothing to say about it
    changed = lwwSet(clocks, field, clock, () => (profile.fields[field] = value)) || changed;
  };
  set('firstName');
  set('lastName');
  set('birthday');
  set('memberSince');
  for (const purpose of CONSENT_PURPOSES) {
    changed = lwwSet(clocks, `consents.${purpose}`, clock, () => (profile.fields.consents[purpose] = fields.consents[purpose])) || changed;
  }
  return changed;
}

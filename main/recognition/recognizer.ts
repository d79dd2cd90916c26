/**
 * From "someone is here" to "what the screen shows": looks the person up locally, keeps
 * the store visit, asks the decider, and writes every fact to the outbox in the same
 * transaction as the state it changes. Greetings are announced only after the commit.
 *
 * Privacy: a known person who has not consented to tracking leaves no behaviour event
 * with their identity; their visit is kept locally only to honour the per-visit cap.
 */
import { EVENT_NAMES } from '../../protocol/events';
import type { Greeting, ScanOutcome } from '../../protocol/bridge';
import type { Identifier } from '../../protocol/identifiers';
import type { Db } from '../store/database';
import type { ProfileStore, StoredProfile } from '../store/profile-store';
import type { VisitStore } from '../store/visit-store';
import type { Outbox } from '../outbox/outbox';
import type { Decider, Decision } from '../decisions/decide';
import type { GreetingLedger } from '../decisions/greeting-ledger';
import type { RecognisedBy } from '../decisions/facts';
import type { PresenceFact } from '../presence/presence-tracker';

export interface RecognizerDeps {
  db: Db;
  profiles: ProfileStore;
  visits: VisitStore;
  outbox: Outbox;
  decider: Decider;
  ledger: GreetingLedger;
  visitGapMs: number;
  /** Public screens get greeting decisions; staff kiosks only record the recognition. */
  isPublicScreen: (screenId: string) => boolean;
  onGreeting: (greeting: Greeting) => void;
  onDecision?: (decision: Decision) => void;
}

interface Seen {
  profile: StoredProfile | undefined;
  subject: string;
  screenId: string;
  at: Date;
  recognisedBy: RecognisedBy;
  identifier: Identifier;
}

export class Recognizer {
  private readonly presenceTx;
  private readonly identifyTx;
  private readonly shownTx;

  constructor(private readonly deps: RecognizerDeps) {
    this.presenceTx = deps.db.transaction((fact: PresenceFact) => this.recordPresence(fact));
    this.identifyTx = deps.db.transaction((seen: Seen) => this.recognise(seen));
    this.shownTx = deps.db.transaction((screenId: string, decisionId: string, at: Date) => this.recordShown(screenId, decisionId, at));
  }

  /** A presence fact from the tracker; returns the decision when one was made. */
  onPresence(fact: PresenceFact): Decision | undefined {
    const decision = this.presenceTx(fact);
    return this.announce(decision);
  }

  /** A scanned card or app code, already resolved to an identifier. */
  onIdentified(screenId: string, identifier: Identifier, at: Date): ScanOutcome {
    const profile = this.deps.profiles.findByIdentifier(identifier.kind, identifier.value);
    if (!profile) return { status: 'unknown' };
    const decision = this.identifyTx({ profile, subject: profile.id, screenId, at, recognisedBy: 'scan', identifier });
    this.announce(decision);
    const decided = decision?.outcome === 'greet';
    return this.deps.isPublicScreen(screenId) ? { status: 'recognised', decided } : { status: 'recognised', decided, profileId: profile.id };
  }

  /** The screen put a greeting up: count it once, as the Segment spec's "Promotion Viewed". */
  greetingShown(screenId: string, decisionId: string, at: Date = new Date()): boolean {
    return this.shownTx(screenId, decisionId, at);
  }

  private announce(decision: Decision | undefined): Decision | undefined {
    if (!decision) return undefined;
    this.deps.onDecision?.(decision);
    if (decision.outcome === 'greet') {
      this.deps.onGreeting({
        decisionId: decision.decisionId,
        screenId: decision.screenId,
        ruleId: decision.ruleId!,
        firstName: decision.firstName!,
        text: decision.text!,
        decidedAt: decision.decidedAt,
      });
    }
    return decision;
  }

  private recordPresence(fact: PresenceFact): Decision | undefined {
    const { outbox, profiles, visits, visitGapMs } = this.deps;
    const at = new Date(fact.at);
    const profile = profiles.findByIdentifier('beacon', fact.beaconId);
    const subject = profile?.id ?? fact.beaconId;
    const tracked = !profile || profile.consents.tracking;
    const who = profile ? { userId: profile.id } : { anonymousId: fact.beaconId };
    const properties = { zone: fact.screenId, distance: Math.round(fact.distance * 100) / 100 };

    if (fact.kind === 'left' || fact.kind === 'dwelling') {
      visits.touch(subject, at, visitGapMs);
      if (tracked) {
        outbox.append({
          event: fact.kind === 'left' ? EVENT_NAMES.zoneLeft : EVENT_NAMES.zoneDwelled,
          ...who, screenId: fact.screenId, at, properties: { ...properties, dwellSeconds: Math.round(fact.dwellMs / 1000) },
        });
      }
      return undefined;
    }
    if (tracked) outbox.append({ event: EVENT_NAMES.zoneEntered, ...who, screenId: fact.screenId, at, properties });
    if (!profile) {
      visits.touch(subject, at, visitGapMs);
      return undefined;
    }
    return this.recognise({ profile, subject, screenId: fact.screenId, at, recognisedBy: 'beacon', identifier: { kind: 'beacon', value: fact.beaconId } });
  }

  private recognise(seen: Seen): Decision | undefined {
    const { outbox, profiles, visits, decider, visitGapMs } = this.deps;
    const { profile, at, screenId } = seen;
    if (!profile) return undefined;
    const visit = visits.touch(seen.subject, at, visitGapMs);
    // Decide on the profile as it was before this visit, then move its last visit to now.
    const decision = this.deps.isPublicScreen(screenId)
      ? decider.decide({ profile, screenId, visitId: visit.visitId, recognisedBy: seen.recognisedBy, at })
      : undefined;
    if (visit.isNew) profiles.recordVisit(profile.id, at);
    if (profile.consents.tracking) {
      outbox.append({
        event: EVENT_NAMES.customerRecognized,
        userId: profile.id,
        screenId,
        at,
        properties: { method: seen.recognisedBy, identifierKind: seen.identifier.kind, visitId: visit.visitId, newVisit: visit.isNew },
      });
    }
    if (decision && profile.consents.tracking) {
      outbox.append({
        event: EVENT_NAMES.greetingDecided,
        userId: profile.id,
        screenId,
        at,
        properties: {
          decisionId: decision.decisionId,
          outcome: decision.outcome,
          ruleId: decision.ruleId ?? null,
          reason: decision.reason,
          checks: decision.checks,
          visitId: visit.visitId,
        },
      });
    }
    return decision;
  }

  private recordShown(screenId: string, decisionId: string, at: Date): boolean {
    const entry = this.deps.ledger.shown(decisionId, at);
    if (!entry) return false;
    const profile = this.deps.profiles.findById(entry.profileId);
    const who = profile?.consents.tracking ? { userId: entry.profileId } : { anonymousId: `decision:${decisionId}` };
    this.deps.outbox.append({
      event: EVENT_NAMES.promotionViewed,
      ...who,
      screenId,
      at,
      properties: { promotion_id: entry.ruleId, creative: 'greeting', name: entry.ruleId, position: screenId, decisionId },
    });
    return true;
  }
}

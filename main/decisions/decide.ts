/**
 * Chooses what a public screen shows a recognised person, and says why.
 *
 * Gates that are not a matter of taste come first and are not rules: an unknown person,
 * or one without consent to be greeted on a public screen, gets nothing personal; the
 * store-wide cap per visit holds across all screens. Then the rules, in order: the first
 * whose screen, quiet hours, caps, cooldown and condition all pass wins.
 */
import { randomUUID } from 'node:crypto';
import type { StoredProfile } from '../store/profile-store';
import { computeFacts, toCelFacts, type RecognisedBy } from './facts';
import type { GreetingLedger } from './greeting-ledger';
import type { StoreClock } from './local-time';
import { inQuietHours, renderGreeting, type CompiledRuleSet } from './rule-set';

const DAY_MS = 86_400_000;

export type RuleCheck = 'matched' | 'condition-false' | 'condition-error' | 'other-screen' | 'quiet-hours' | 'capped' | 'cooldown';

export interface Decision {
  decisionId: string;
  screenId: string;
  profileId: string | null;
  /** ISO 8601: when the person was seen, which is when the decision was made. */
  decidedAt: string;
  outcome: 'greet' | 'none';
  reason: string;
  ruleId?: string;
  firstName?: string;
  text?: string;
  /** Why each rule before the winner did not fire. */
  checks: Array<{ ruleId: string; result: RuleCheck }>;
}

export interface DecisionInput {
  /** The profile as it was before this visit (so "days since last visit" means the previous one). */
  profile: StoredProfile | undefined;
  screenId: string;
  visitId: string;
  recognisedBy: RecognisedBy;
  at: Date;
}

export class Decider {
  constructor(
    private rules: CompiledRuleSet,
    private readonly ledger: GreetingLedger,
    private readonly clock: StoreClock,
  ) {}

  /** Head office sent new rules: the next decision uses them. */
  setRules(rules: CompiledRuleSet): void {
    this.rules = rules;
  }

  /** Decides and, for a greeting, writes the ledger entry; call inside the transaction that records the decision event. */
  decide(input: DecisionInput): Decision {
    const decisionId = randomUUID();
    const base = { decisionId, screenId: input.screenId, profileId: input.profile?.id ?? null, decidedAt: input.at.toISOString(), checks: [] };
    const { profile } = input;
    if (!profile) return { ...base, outcome: 'none', reason: 'unknown person: nothing personal is shown' };
    if (!profile.consents.greetPublic) {
      return { ...base, outcome: 'none', reason: 'no consent to be greeted on a public screen' };
    }
    if (this.ledger.greetingsThisVisit(input.visitId) >= this.rules.policy.maxGreetingsPerVisit) {
      return { ...base, outcome: 'none', reason: 'already greeted during this visit' };
    }

    const local = this.clock.local(input.at);
    const view = computeFacts(profile, input.screenId, input.recognisedBy, input.at, local);
    const checks: Decision['checks'] = [];
    for (const compiled of this.rules.rules) {
      const { rule } = compiled;
      const result = this.check(compiled, view, profile.id, input, local.minuteOfDay);
      if (result !== 'matched') {
        checks.push({ ruleId: rule.id, result });
        continue;
      }
      this.ledger.record({
        decisionId, profileId: profile.id, ruleId: rule.id, screenId: input.screenId, visitId: input.visitId, decidedAt: input.at,
      });
      return {
        ...base,
        checks,
        outcome: 'greet',
        ruleId: rule.id,
        reason: rule.description || `rule ${rule.id} matched`,
        firstName: profile.firstName,
        text: renderGreeting(rule.greeting, { ...view, params: rule.params, ...rule.params }),
      };
    }
    return { ...base, checks, outcome: 'none', reason: 'no rule matched' };
  }

  private check(
    compiled: CompiledRuleSet['rules'][number],
    view: ReturnType<typeof computeFacts>,
    profileId: string,
    input: DecisionInput,
    minuteOfDay: number,
  ): RuleCheck {
    const { rule } = compiled;
    if (rule.screens && !rule.screens.includes(input.screenId)) return 'other-screen';
    if (inQuietHours(compiled, minuteOfDay)) return 'quiet-hours';
    // The condition first: it costs a fraction of a microsecond, the ledger queries below several each.
    try {
      if (compiled.condition(toCelFacts(view, compiled.celParams)) !== true) return 'condition-false';
    } catch {
      // A rule that cannot be evaluated for this person is skipped, not fatal: the next rule may still fit.
      return 'condition-error';
    }
    if (rule.caps.perVisit !== undefined && this.ledger.ruleThisVisit(input.visitId, rule.id) >= rule.caps.perVisit) return 'capped';
    // Another store's greeting, as head office remembers it on the profile: only the newest
    // per rule is known, and it may be this store's own coming back, so it counts as one
    // greeting at most (never added to the ledger's count, which would count ours twice).
    const elsewhere = input.profile?.greetings.find((g) => g.ruleId === rule.id);
    const elsewhereAt = elsewhere ? Date.parse(elsewhere.shownAt) : undefined;
    if (rule.caps.perDay !== undefined) {
      const dayAgo = input.at.getTime() - DAY_MS;
      const here = this.ledger.ruleSince(profileId, rule.id, new Date(dayAgo));
      const anywhere = Math.max(here, elsewhereAt !== undefined && elsewhereAt >= dayAgo ? 1 : 0);
      if (anywhere >= rule.caps.perDay) return 'capped';
    }
    if (rule.cooldownMinutes > 0) {
      const local = this.ledger.lastGreeted(profileId, rule.id)?.getTime();
      const last = Math.max(local ?? -Infinity, elsewhereAt ?? -Infinity);
      if (Number.isFinite(last) && input.at.getTime() - last < rule.cooldownMinutes * 60_000) return 'cooldown';
    }
    return 'matched';
  }
}

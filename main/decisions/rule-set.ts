/**
 * Rules are data: a condition in CEL (a small, non-Turing-complete expression language,
 * evaluated by @marcbachmann/cel-js without eval, so it also runs under a strict CSP) and
 * a Mustache template for the text. Caps, cooldowns and quiet hours are fields, not
 * expressions, so the ledger can enforce them and head office can read them.
 */
import { Environment } from '@marcbachmann/cel-js';
import Mustache from 'mustache';
import { z } from 'zod';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time is HH:MM');

export const ruleSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  description: z.string().default(''),
  /** CEL over the facts in FACT_TYPES; must be bool. */
  when: z.string().min(1).max(2000),
  /** Mustache template over the same facts; plain text (the screen escapes it). */
  greeting: z.string().min(1).max(300),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  /** Only on these screens; absent means all. */
  screens: z.array(z.string()).optional(),
  caps: z.object({ perVisit: z.number().int().positive().optional(), perDay: z.number().int().positive().optional() }).default({}),
  /** After this rule greeted a person, it stays silent for them this long. */
  cooldownMinutes: z.number().int().nonnegative().default(0),
  /** Local store time during which the rule stays silent; may wrap midnight. */
  quietHours: z.object({ from: clock, to: clock }).optional(),
  enabled: z.boolean().default(true),
});

/** Offers staff can apply at the till; shown only to people who consented to personalised offers. */
export const offerSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  title: z.string().min(1).max(80),
  description: z.string().max(200).default(''),
  when: z.string().min(1).max(2000),
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  /** Points earned on the order it is applied to are multiplied by this ("double points"). */
  pointsMultiplier: z.number().int().min(1).max(10).default(1),
  enabled: z.boolean().default(true),
});

export const ruleSetSchema = z.object({
  policy: z.object({
    /** Across every rule and every screen of the store. */
    maxGreetingsPerVisit: z.number().int().positive().default(1),
  }),
  rules: z.array(ruleSchema).min(1),
  offers: z.array(offerSchema).default([]),
});

export type Rule = z.infer<typeof ruleSchema>;
export type RuleSet = z.infer<typeof ruleSetSchema>;
export type Offer = z.infer<typeof offerSchema>;

/** The facts a rule can read; computed before evaluation (facts.ts). */
export const FACT_TYPES = {
  firstName: 'string',
  tier: 'string',
  points: 'int',
  visitCount: 'int',
  daysSinceLastVisit: 'int',
  isBirthday: 'bool',
  isMemberAnniversary: 'bool',
  memberYears: 'int',
  hour: 'int',
  weekday: 'int',
  screen: 'string',
  recognisedBy: 'string',
  params: 'map',
} as const;

export type CelFacts = {
  [K in keyof typeof FACT_TYPES]: (typeof FACT_TYPES)[K] extends 'int'
    ? bigint
    : (typeof FACT_TYPES)[K] extends 'bool'
      ? boolean
      : (typeof FACT_TYPES)[K] extends 'string'
        ? string
        : Record<string, unknown>;
};

export interface CompiledRule {
  rule: Rule;
  condition: (facts: CelFacts) => unknown;
  /** params with whole numbers as CEL ints, so `visitCount >= params.n` compares int to int. */
  celParams: Record<string, unknown>;
  quietFrom?: number;
  quietTo?: number;
}

export interface CompiledOffer {
  offer: Offer;
  condition: (facts: CelFacts) => unknown;
  celParams: Record<string, unknown>;
}

export interface CompiledRuleSet {
  policy: RuleSet['policy'];
  rules: CompiledRule[];
  offers: CompiledOffer[];
}

export class RuleSetError extends Error {}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function celEnvironment(): Environment {
  const env = new Environment({ unlistedVariablesAreDyn: false, limits: { maxAstNodes: 500 } });
  for (const [name, type] of Object.entries(FACT_TYPES)) env.registerVariable(name, type);
  return env;
}

/** Validates, type-checks every condition and pre-parses every template; throws a clear error. */
export function compileRuleSet(input: unknown): CompiledRuleSet {
  const parsed = ruleSetSchema.safeParse(input);
  if (!parsed.success) {
    // Name the rule by its id, not only by its index: authors know their rules by id.
    const rulesInput = (input as { rules?: Array<{ id?: unknown }> } | null)?.rules;
    const ids = new Set<string>();
    for (const issue of parsed.error.issues) {
      const index = issue.path[0] === 'rules' ? issue.path[1] : undefined;
      const id = typeof index === 'number' && Array.isArray(rulesInput) ? rulesInput[index]?.id : undefined;
      if (typeof id === 'string') ids.add(id);
    }
    const which = ids.size ? ` (rule ${[...ids].join(', ')})` : '';
    throw new RuleSetError(`invalid rule set${which}: ${z.prettifyError(parsed.error)}`);
  }
  const env = celEnvironment();
  const seen = new Set<string>();
  const rules: CompiledRule[] = [];
  for (const rule of parsed.data.rules) {
    if (seen.has(rule.id)) throw new RuleSetError(`rule ${rule.id}: the id is used twice`);
    seen.add(rule.id);
    if (!rule.enabled) continue;
    const condition = compileCondition(env, `rule ${rule.id}`, rule.when);
    try {
      Mustache.parse(rule.greeting);
    } catch (error) {
      throw new RuleSetError(`rule ${rule.id}: greeting template ${(error as Error).message}`);
    }
    const celParams = toCelParams(rule.params);
    rules.push({
      rule,
      condition,
      celParams,
      ...(rule.quietHours ? { quietFrom: minutes(rule.quietHours.from), quietTo: minutes(rule.quietHours.to) } : {}),
    });
  }
  if (rules.length === 0) throw new RuleSetError('invalid rule set: every rule is disabled');
  const offers: CompiledOffer[] = [];
  for (const offer of parsed.data.offers) {
    if (seen.has(offer.id)) throw new RuleSetError(`offer ${offer.id}: the id is used twice`);
    seen.add(offer.id);
    if (!offer.enabled) continue;
    offers.push({ offer, condition: compileCondition(env, `offer ${offer.id}`, offer.when), celParams: toCelParams(offer.params) });
  }
  return { policy: parsed.data.policy, rules, offers };
}

function compileCondition(env: Environment, what: string, source: string): (facts: CelFacts) => unknown {
  try {
    const expression = env.parse(source);
    const check = expression.check();
    if (!check.valid) throw new Error(check.error?.message ?? 'does not type-check');
    if (check.type !== 'bool' && check.type !== 'dyn') throw new Error(`is ${check.type}, a condition must be bool`);
    return expression as unknown as (facts: CelFacts) => unknown;
  } catch (error) {
    throw new RuleSetError(`${what}: condition "${source}" ${(error as Error).message}`);
  }
}

/** Whole numbers become CEL ints, so `visitCount >= params.n` compares int to int. */
function toCelParams(params: Record<string, number | string | boolean>): Record<string, unknown> {
  const celParams: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    celParams[key] = typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : value;
  }
  return celParams;
}

/** Renders a greeting as plain text: no HTML escaping, React escapes at display. */
export function renderGreeting(template: string, view: Record<string, unknown>): string {
  return Mustache.render(template, view, undefined, { escape: (value: unknown) => String(value) });
}

export function inQuietHours(compiled: CompiledRule, minuteOfDay: number): boolean {
  if (compiled.quietFrom === undefined || compiled.quietTo === undefined) return false;
  const { quietFrom: from, quietTo: to } = compiled;
  return from <= to ? minuteOfDay >= from && minuteOfDay < to : minuteOfDay >= from || minuteOfDay < to;
}

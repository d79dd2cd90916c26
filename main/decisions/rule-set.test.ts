import { describe, expect, it } from 'vitest';
import defaultRules from './default-rules.json';
import { compileRuleSet, inQuietHours, renderGreeting, RuleSetError, type CompiledRule } from './rule-set';

function oneRule(rule: Record<string, unknown>): unknown {
  return { policy: {}, rules: [{ id: 'my-rule', when: 'true', greeting: 'Hi {{firstName}}', ...rule }] };
}

function compileError(input: unknown): RuleSetError {
  try {
    compileRuleSet(input);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleSetError);
    return error as RuleSetError;
  }
  throw new Error('compileRuleSet did not throw');
}

describe('compileRuleSet', () => {
  it('compiles the shipped default rule set, in order, with params as CEL ints', () => {
    const compiled = compileRuleSet(defaultRules);
    expect(compiled.policy).toEqual({ maxGreetingsPerVisit: 1 });
    expect(compiled.rules.map((r) => r.rule.id)).toEqual(['birthday', 'welcome-back-lapsed', 'regular', 'welcome']);
    const lapsed = compiled.rules[1]!;
    expect(lapsed.celParams).toEqual({ lapsedDays: 30n });
    expect(lapsed.rule.cooldownMinutes).toBe(1440);
    const regular = compiled.rules[2]!;
    expect(regular.quietFrom).toBe(22 * 60);
    expect(regular.quietTo).toBe(6 * 60);
    expect(compiled.rules[0]!.rule.caps).toEqual({ perDay: 1 });
  });

  it('fills defaults for optional fields', () => {
    const compiled = compileRuleSet(oneRule({}));
    expect(compiled.policy.maxGreetingsPerVisit).toBe(1);
    expect(compiled.rules[0]!.rule).toMatchObject({ description: '', params: {}, caps: {}, cooldownMinutes: 0, enabled: true });
    expect(compiled.rules[0]!.quietFrom).toBeUndefined();
  });

  it('keeps non-integer and string params as they are', () => {
    const compiled = compileRuleSet(oneRule({ params: { ratio: 1.5, label: 'x', on: true, n: 2 } }));
    expect(compiled.rules[0]!.celParams).toEqual({ ratio: 1.5, label: 'x', on: true, n: 2n });
  });

  it.each([
    ['a condition that does not type-check', { when: 'visitCount > "x"' }, /no such overload/],
    ['a condition that is not bool', { when: 'visitCount + 1' }, /is int, a condition must be bool/],
    ['a string condition', { when: 'tier' }, /is string, a condition must be bool/],
    ['an unknown variable', { when: 'shoeSize > 40' }, /Unknown variable: shoeSize/],
    ['a syntax error', { when: 'visitCount >' }, /./],
    ['a bad template', { greeting: 'Hi {{#unclosed' }, /greeting template Unclosed tag/],
  ])('%s throws RuleSetError naming the rule', (_name, rule, detail) => {
    const error = compileError(oneRule(rule));
    expect(error.message).toMatch(/^rule my-rule: /);
    expect(error.message).toMatch(detail);
  });

  it('a condition error quotes the condition', () => {
    expect(compileError(oneRule({ when: 'visitCount + 1' })).message).toContain('condition "visitCount + 1"');
  });

  it('a duplicate id throws RuleSetError naming the id', () => {
    const error = compileError({
      policy: {},
      rules: [
        { id: 'twice', when: 'true', greeting: 'a' },
        { id: 'other', when: 'true', greeting: 'b' },
        { id: 'twice', when: 'true', greeting: 'c' },
      ],
    });
    expect(error.message).toBe('rule twice: the id is used twice');
  });

  it('a duplicate id is caught even when one copy is disabled', () => {
    const error = compileError({
      policy: {},
      rules: [
        { id: 'twice', when: 'true', greeting: 'a', enabled: false },
        { id: 'twice', when: 'true', greeting: 'b' },
      ],
    });
    expect(error.message).toMatch(/twice/);
  });

  it.each([['25:00'], ['6:00'], ['06:60'], ['0600'], ['24:00']])('a quietHours time %s is refused with RuleSetError', (bad) => {
    const error = compileError(oneRule({ quietHours: { from: bad, to: '06:00' } }));
    expect(error.message).toMatch(/^invalid rule set \(rule /);
    expect(error.message).toContain('(rule my-rule)');
    expect(error.message).toMatch(/a time is HH:MM/);
    expect(error.message).toMatch(/rules\[0\]\.quietHours\.from/);
  });

  it('a disabled rule is not compiled, and a set with every rule disabled is refused', () => {
    const compiled = compileRuleSet({
      policy: {},
      rules: [
        { id: 'off', when: 'this is not CEL', greeting: 'x', enabled: false },
        { id: 'on', when: 'true', greeting: 'y' },
      ],
    });
    expect(compiled.rules.map((r) => r.rule.id)).toEqual(['on']);
    expect(compileError(oneRule({ enabled: false })).message).toBe('invalid rule set: every rule is disabled');
  });

  it('refuses an empty rule list, a bad id, an oversized greeting', () => {
    expect(compileError({ policy: {}, rules: [] }).message).toMatch(/^invalid rule set: /);
    expect(compileError(oneRule({ id: 'Not A Slug' })).message).toMatch(/rules\[0\]\.id/);
    expect(compileError(oneRule({ greeting: 'x'.repeat(301) })).message).toMatch(/rules\[0\]\.greeting/);
    expect(compileError({ rules: [{ id: 'a', when: 'true', greeting: 'x' }] }).message).toMatch(/policy/);
  });

  it('the compiled condition evaluates against facts', () => {
    const compiled = compileRuleSet(oneRule({ when: 'visitCount >= params.n && tier == "Gold"', params: { n: 3 } }));
    const rule = compiled.rules[0]!;
    const facts = (visitCount: bigint, tier: string) => ({
      firstName: 'A', tier, points: 0n, visitCount, daysSinceLastVisit: -1n, isBirthday: false, isMemberAnniversary: false,
      memberYears: 0n, hour: 12n, weekday: 1n, screen: 's', recognisedBy: 'beacon', params: rule.celParams,
    });
    expect(rule.condition(facts(3n, 'Gold'))).toBe(true);
    expect(rule.condition(facts(2n, 'Gold'))).toBe(false);
    expect(rule.condition(facts(5n, 'Silver'))).toBe(false);
  });
});

describe('inQuietHours', () => {
  const at = (hhmm: string): number => {
    const [h, m] = hhmm.split(':').map(Number);
    return h! * 60 + m!;
  };
  const wrapping = compileRuleSet(oneRule({ quietHours: { from: '22:00', to: '06:00' } })).rules[0]!;
  const daytime = compileRuleSet(oneRule({ quietHours: { from: '12:00', to: '14:30' } })).rules[0]!;
  const none = compileRuleSet(oneRule({})).rules[0]!;

  it.each([
    ['23:30', true],
    ['22:00', true],
    ['21:59', false],
    ['00:00', true],
    ['05:59', true],
    ['06:00', false],
    ['12:00', false],
  ])('22:00–06:00 at %s → %s', (time, quiet) => {
    expect(inQuietHours(wrapping, at(time))).toBe(quiet);
  });

  it.each([
    ['11:59', false],
    ['12:00', true],
    ['14:29', true],
    ['14:30', false],
    ['23:30', false],
  ])('12:00–14:30 at %s → %s', (time, quiet) => {
    expect(inQuietHours(daytime, at(time))).toBe(quiet);
  });

  it('a rule without quiet hours is never quiet', () => {
    for (const m of [0, 360, 720, 1439]) expect(inQuietHours(none as CompiledRule, m)).toBe(false);
  });
});

describe('renderGreeting', () => {
  it('renders plain text without HTML escaping', () => {
    expect(renderGreeting('Hi {{firstName}} & welcome, {{n}} days', { firstName: 'Zoë <b>&', n: 40 })).toBe(
      'Hi Zoë <b>& & welcome, 40 days',
    );
  });
});

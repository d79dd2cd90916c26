import { describe, expect, it } from 'vitest';
import { MAX_REMEMBERED_GREETINGS } from '../../protocol/profile';
import { rememberGreeting } from './remembered-greetings';

const at = (minute: number): Date => new Date(Date.UTC(2030, 0, 1, 9, minute));

describe('remembered greetings', () => {
  it('keeps the newest per rule, newest first, and answers the same list when nothing changes', () => {
    const one = rememberGreeting([], 'a', at(1));
    const two = rememberGreeting(one, 'b', at(2));
    expect(two.map((g) => g.ruleId)).toEqual(['b', 'a']);
    expect(rememberGreeting(two, 'a', at(0))).toBe(two);
    expect(rememberGreeting(two, 'a', at(3)).map((g) => g.ruleId)).toEqual(['a', 'b']);
  });

  it('holds at most the protocol\'s number of rules, dropping the oldest; an old greeting does not push out a newer one', () => {
    let list = rememberGreeting([], 'r0', at(0));
    for (let i = 1; i < MAX_REMEMBERED_GREETINGS; i++) list = rememberGreeting(list, `r${i}`, at(i));
    const full = list;
    list = rememberGreeting(full, 'newest', at(59));
    expect(list).toHaveLength(MAX_REMEMBERED_GREETINGS);
    expect(list[0]!.ruleId).toBe('newest');
    expect(list.some((g) => g.ruleId === 'r0')).toBe(false);
    expect(rememberGreeting(full, 'ancient', new Date(Date.UTC(2029, 0, 1)))).toBe(full);
  });
});

import { describe, expect, it } from 'vitest';
import { birthdayForWire, birthdayInputOf, daysInMonth, EMPTY_BIRTHDAY } from './birthday-input';

const today = new Date(2026, 2, 10);
/** The agent's own rule for the field (protocol/kiosk.ts), so what the form sends is what it accepts. */
const WIRE = /^(\d{4}|-)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

describe('birthdayForWire', () => {
  it('sends nothing when not given', () => {
    expect(birthdayForWire({ mode: 'none' }, today)).toEqual({ ok: true, birthday: undefined });
  });

  it('sends a full date as the date input gives it', () => {
    const result = birthdayForWire({ mode: 'date', date: '1990-07-14' }, today);
    expect(result).toEqual({ ok: true, birthday: '1990-07-14' });
    expect(result.ok && WIRE.test(result.birthday ?? '')).toBe(true);
  });

  it('sends day and month alone as --MM-DD', () => {
    const result = birthdayForWire({ mode: 'day-month', day: 4, month: 7 }, today);
    expect(result).toEqual({ ok: true, birthday: '--07-04' });
    expect(result.ok && WIRE.test(result.birthday ?? '')).toBe(true);
    expect(birthdayForWire({ mode: 'day-month', day: 29, month: 2 }, today)).toEqual({ ok: true, birthday: '--02-29' });
  });

  it('refuses days a month does not have', () => {
    expect(birthdayForWire({ mode: 'day-month', day: 31, month: 4 }, today)).toEqual({ ok: false, problem: 'April has no day 31.' });
    expect(birthdayForWire({ mode: 'day-month', day: 30, month: 2 }, today).ok).toBe(false);
    expect(birthdayForWire({ mode: 'date', date: '1990-02-29' }, today).ok).toBe(false);
    expect(birthdayForWire({ mode: 'date', date: '2000-02-29' }, today).ok).toBe(true);
  });

  it('asks for what is missing', () => {
    expect(birthdayForWire({ mode: 'day-month', day: 4, month: null }, today).ok).toBe(false);
    expect(birthdayForWire({ mode: 'date', date: '' }, today).ok).toBe(false);
  });

  it('refuses a date of birth in the future or before 1900', () => {
    expect(birthdayForWire({ mode: 'date', date: '2026-03-10' }, today).ok).toBe(true);
    expect(birthdayForWire({ mode: 'date', date: '2026-03-11' }, today).ok).toBe(false);
    expect(birthdayForWire({ mode: 'date', date: '1899-12-31' }, today).ok).toBe(false);
  });
});

describe('daysInMonth', () => {
  it('knows the short months and leap years', () => {
    expect([1, 2, 4, 12].map((m) => daysInMonth(m, 2025))).toEqual([31, 28, 30, 31]);
    expect(daysInMonth(2, 2024)).toBe(29);
    expect(daysInMonth(2, 1900)).toBe(28);
    expect(daysInMonth(2)).toBe(29);
  });
});

describe('birthdayInputOf', () => {
  it('takes the chosen mode’s value, leaving the others', () => {
    const draft = { mode: 'day-month' as const, date: '1990-07-14', day: 4, month: 7 };
    expect(birthdayInputOf(draft)).toEqual({ mode: 'day-month', day: 4, month: 7 });
    expect(birthdayInputOf({ ...draft, mode: 'date' })).toEqual({ mode: 'date', date: '1990-07-14' });
    expect(birthdayInputOf({ ...draft, mode: 'none' })).toEqual({ mode: 'none' });
    expect(birthdayInputOf(EMPTY_BIRTHDAY)).toEqual({ mode: 'none' });
  });
});

/**
 * The birthday as staff enter it. Many customers give only the day and month (the
 * birthday greeting needs nothing more, and a year is personal), so that is a choice of
 * its own; the wire takes a full date "1990-07-14" or a yearless one "--07-14".
 */
export type BirthdayInput =
  | { mode: 'none' }
  /** As a date input gives it: "YYYY-MM-DD", or "" while empty. */
  | { mode: 'date'; date: string }
  | { mode: 'day-month'; day: number | null; month: number | null };

/** What the form holds: every mode's value is kept, so switching modes back and forth loses nothing typed. */
export interface BirthdayDraft {
  mode: BirthdayInput['mode'];
  date: string;
  day: number | null;
  month: number | null;
}

export const EMPTY_BIRTHDAY: BirthdayDraft = { mode: 'none', date: '', day: null, month: null };

/** The draft's chosen mode only. */
export function birthdayInputOf(draft: BirthdayDraft): BirthdayInput {
  switch (draft.mode) {
    case 'date':
      return { mode: 'date', date: draft.date };
    case 'day-month':
      return { mode: 'day-month', day: draft.day, month: draft.month };
    case 'none':
      return { mode: 'none' };
  }
}

export type BirthdayResult = { ok: true; birthday: string | undefined } | { ok: false; problem: string };

export const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
] as const;

/** Days in a month of a given year; without a year, February has its 29th (a leap-day birthday is real). */
export function daysInMonth(month: number, year?: number): number {
  if (month === 2) return year === undefined || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const two = (n: number): string => String(n).padStart(2, '0');

function fullDate(date: string, today: Date): BirthdayResult {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!match) return { ok: false, problem: 'Choose the date of birth, or “Not given”.' };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(month, year)) return { ok: false, problem: 'That date does not exist.' };
  const todayText = `${today.getFullYear()}-${two(today.getMonth() + 1)}-${two(today.getDate())}`;
  if (year < 1900 || date.trim() > todayText) return { ok: false, problem: 'That date of birth cannot be right: check the year.' };
  return { ok: true, birthday: date.trim() };
}

function dayAndMonth(day: number | null, month: number | null): BirthdayResult {
  if (day === null || month === null) return { ok: false, problem: 'Choose both the day and the month, or “Not given”.' };
  if (!Number.isInteger(month) || month < 1 || month > 12) return { ok: false, problem: 'Choose a month.' };
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(month)) return { ok: false, problem: `${MONTH_NAMES[month - 1]} has no day ${day}.` };
  return { ok: true, birthday: `--${two(month)}-${two(day)}` };
}

/** The birthday in the wire format, or what is wrong with it in words for the form. `today` is local time. */
export function birthdayForWire(input: BirthdayInput, today: Date = new Date()): BirthdayResult {
  switch (input.mode) {
    case 'none':
      return { ok: true, birthday: undefined };
    case 'date':
      return fullDate(input.date, today);
    case 'day-month':
      return dayAndMonth(input.day, input.month);
  }
}

/**
 * Facts about a person at this moment, computed once before the rules run so that rules
 * stay simple comparisons (no date arithmetic in CEL).
 */
import type { StoredProfile } from '../store/profile-store';
import type { LocalTime } from './local-time';
import type { CelFacts } from './rule-set';

const DAY_MS = 86_400_000;

export type RecognisedBy = 'beacon' | 'scan';

/** The same facts as plain numbers, for templates. */
export type TemplateView = { [K in keyof CelFacts]: CelFacts[K] extends bigint ? number : CelFacts[K] };

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Whether a 'YYYY-MM-DD' or '--MM-DD' date falls on today's month and day; 29 Feb counts on 28 Feb in other years. */
export function isAnniversaryOf(date: string | null, today: LocalTime): boolean {
  if (!date) return false;
  const monthDay = date.slice(-5);
  if (monthDay === today.monthDay) return true;
  return monthDay === '02-29' && today.monthDay === '02-28' && !isLeapYear(today.year);
}

export function computeFacts(
  profile: StoredProfile,
  screenId: string,
  recognisedBy: RecognisedBy,
  at: Date,
  local: LocalTime,
): TemplateView {
  const lastVisit = profile.lastVisitAt ? Date.parse(profile.lastVisitAt) : Number.NaN;
  const memberSinceYear = profile.memberSince ? Number(profile.memberSince.slice(0, 4)) : Number.NaN;
  // Full years: a member who joined in December is not one year in by March.
  const beforeAnniversary = profile.memberSince ? local.monthDay < profile.memberSince.slice(5, 10) : false;
  const memberYears = Number.isFinite(memberSinceYear) ? Math.max(0, local.year - memberSinceYear - (beforeAnniversary ? 1 : 0)) : 0;
  return {
    firstName: profile.firstName,
    tier: profile.tier ?? '',
    points: profile.points,
    visitCount: profile.visitCount,
    daysSinceLastVisit: Number.isFinite(lastVisit) ? Math.max(0, Math.floor((at.getTime() - lastVisit) / DAY_MS)) : -1,
    isBirthday: isAnniversaryOf(profile.birthday, local),
    isMemberAnniversary: memberYears >= 1 && isAnniversaryOf(profile.memberSince, local),
    memberYears,
    hour: local.hour,
    weekday: local.weekday,
    screen: screenId,
    recognisedBy,
    params: {},
  };
}

/** CEL wants integers as BigInt. */
export function toCelFacts(view: TemplateView, params: Record<string, unknown>): CelFacts {
  return {
    ...view,
    points: BigInt(view.points),
    visitCount: BigInt(view.visitCount),
    daysSinceLastVisit: BigInt(view.daysSinceLastVisit),
    memberYears: BigInt(view.memberYears),
    hour: BigInt(view.hour),
    weekday: BigInt(view.weekday),
    params,
  };
}

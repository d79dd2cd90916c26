/**
 * The store's wall clock in its own time zone: birthdays, quiet hours and time-of-day
 * facts follow the shop's day, not the machine's or UTC's.
 */
export interface LocalTime {
  /** 'YYYY-MM-DD' */
  date: string;
  /** 'MM-DD' */
  monthDay: string;
  year: number;
  hour: number;
  minuteOfDay: number;
  /** 1 = Monday … 7 = Sunday (ISO 8601). */
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export class StoreClock {
  private readonly format: Intl.DateTimeFormat;
  /** Intl formatting costs ~9 µs, most of a decision: a zone's offset never changes within a minute. */
  private cachedMinute = Number.NaN;
  private cached: LocalTime | undefined;

  constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
  }

  local(at: Date): LocalTime {
    const minute = Math.floor(at.getTime() / 60_000);
    if (minute === this.cachedMinute && this.cached) return this.cached;
    this.cached = this.compute(at);
    this.cachedMinute = minute;
    return this.cached;
  }

  private compute(at: Date): LocalTime {
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(at)) parts[part.type] = part.value;
    const hour = Number(parts.hour);
    const monthDay = `${parts.month}-${parts.day}`;
    return {
      date: `${parts.year}-${monthDay}`,
      monthDay,
      year: Number(parts.year),
      hour,
      minuteOfDay: hour * 60 + Number(parts.minute),
      weekday: WEEKDAYS[parts.weekday ?? 'Mon'] ?? 1,
    };
  }
}

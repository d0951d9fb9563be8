import { InvalidArgument } from "@relata/platform";

/**
 * Time-zone arithmetic, the one place for it: business calendars (business-time.ts) and
 * bookable resources' working hours (scheduling.ts) both read local wall-clock times here.
 *
 * Zones come from the platform's Intl (ICU's tz database, as shipped with Node): a local
 * wall-clock time becomes an instant through the zone's offset at that instant, so days of 23
 * or 25 hours (DST changes) count what the clocks on the wall show. A local time the spring
 * change skips (02:30 in Berlin on its last Sunday of March) is read under the offset before the
 * change, which lands after the gap (03:30 local); a time the autumn change repeats is its first
 * occurrence.
 */

/** The weekdays in ISO 8601 order: WEEKDAYS[isoWeekday - 1]. */
export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** ISO weekday: 1 is Monday, 7 is Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A calendar date as a zone's wall clock shows it. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

// ---- zones ---------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one costs far more than using it. Throws for an unknown zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether the name is an IANA time zone this runtime knows ("Europe/Paris", "UTC"). */
export function isTimeZone(name: string): boolean {
  if (!name) return false;
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

export function assertTimeZone(name: string, field: string): void {
  if (!isTimeZone(name)) throw new InvalidArgument(field, `${field}: "${name}" is not an IANA time zone (e.g. "Europe/Paris")`);
}

/** The wall clock of `instant` in the zone, as if it were UTC (milliseconds). */
export function wallClockMs(timeZone: string, instantMs: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(instantMs))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const wholeSeconds = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wholeSeconds + (((instantMs % 1000) + 1000) % 1000);
}

/** Offset of the zone from UTC at `instant`, in milliseconds (Berlin in summer: +7,200,000). */
export function offsetMs(timeZone: string, instantMs: number): number {
  return wallClockMs(timeZone, instantMs) - instantMs;
}

/** The instant at which the zone's wall clock shows `minutes` after midnight of `date` (1440: the next midnight). */
export function localTimeToInstant(timeZone: string, date: LocalDate, minutes: number): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day) + minutes * MS_PER_MINUTE;
  // The offset before the wall time (taken a day earlier) decides skipped and repeated times.
  const before = offsetMs(timeZone, wall - MS_PER_DAY);
  let instant = wall - before;
  const at = offsetMs(timeZone, instant);
  if (at !== before) {
    // The offset changed between: a time after the change reads under the new offset, unless
    // that lands before the change (the skipped hour), where the old one applies.
    const candidate = wall - at;
    if (offsetMs(timeZone, candidate) === at) instant = candidate;
  }
  return new Date(instant);
}

/** The calendar date an instant has in the zone. */
export function localDateOf(timeZone: string, instant: Date): LocalDate {
  const wall = new Date(wallClockMs(timeZone, instant.getTime()));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

// ---- local dates ---------------------------------------------------------------------------

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** "YYYY-MM-DD" (sorts as the dates do). */
export function formatLocalDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}

export function isoWeekdayOf(date: LocalDate): IsoWeekday {
  const sundayZero = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return (((sundayZero + 6) % 7) + 1) as IsoWeekday;
}

export function weekdayOf(date: LocalDate): Weekday {
  return WEEKDAYS[isoWeekdayOf(date) - 1]!;
}

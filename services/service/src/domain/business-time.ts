import { addDays, formatLocalDate, isoWeekdayOf, isTimeZone, localDateOf, localTimeToInstant, type IsoWeekday } from "./time-zone";

/**
 * Business time: instants counted only while a business calendar is open (its weekly hours, in
 * its IANA time zone, minus its holidays) and the clock is not paused. Pure: no clock, no I/O.
 * Local wall-clock times become instants as time-zone.ts reads them (DST changes included).
 */

/** One opening on a weekday, in minutes after local midnight: 540-1020 is 09:00-17:00; 1440 is midnight at the end of the day. */
export interface OpeningHours {
  day: IsoWeekday;
  opensAt: number;
  closesAt: number;
}

export interface BusinessCalendar {
  /** IANA time zone, e.g. "Europe/Berlin". */
  timeZone: string;
  weeklyHours: OpeningHours[];
  /** Local calendar dates (YYYY-MM-DD) on which it is closed all day. */
  holidays: string[];
}

/** A span during which the clock stands still (the case waits on the customer): [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

const MINUTES_PER_DAY = 1440;
/** How far ahead a calendar is searched for open time before it is taken as never open. */
const MAX_DAYS_AHEAD = 3 * 366;

/** The minutes after midnight of "HH:MM" (00:00 to 24:00), or undefined when it is no such time. */
export function parseClockTime(text: string): number | undefined {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= MINUTES_PER_DAY ? minutes : undefined;
}

export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** What is wrong with a calendar (the field and why), or undefined when it can be counted on. */
export function calendarProblem(calendar: BusinessCalendar): { field: string; reason: string } | undefined {
  if (!isTimeZone(calendar.timeZone)) return { field: "time_zone", reason: `unknown IANA time zone "${calendar.timeZone}"` };
  if (calendar.weeklyHours.length === 0) return { field: "weekly_hours", reason: "a calendar needs at least one opening" };
  for (const [i, h] of calendar.weeklyHours.entries()) {
    if (!Number.isInteger(h.day) || h.day < 1 || h.day > 7) return { field: `weekly_hours.${i}.day`, reason: "not a weekday" };
    if (!(h.opensAt >= 0 && h.closesAt <= MINUTES_PER_DAY && h.opensAt < h.closesAt)) {
      return { field: `weekly_hours.${i}`, reason: "opens before it closes, within the day" };
    }
  }
  for (const [i, a] of calendar.weeklyHours.entries()) {
    for (const b of calendar.weeklyHours.slice(i + 1)) {
      if (a.day === b.day && a.opensAt < b.closesAt && b.opensAt < a.closesAt) {
        return { field: "weekly_hours", reason: `openings overlap on weekday ${a.day}` };
      }
    }
  }
  return undefined;
}

// ---- open time ------------------------------------------------------------------------------

/**
 * The calendar's open intervals that end after `from`, in order, clipped to start no earlier
 * than `from`; stops after MAX_DAYS_AHEAD days without end.
 */
export function* openIntervals(calendar: BusinessCalendar, from: Date): Generator<Interval> {
  const holidays = new Set(calendar.holidays);
  const byDay = new Map<IsoWeekday, OpeningHours[]>();
  for (const h of calendar.weeklyHours) byDay.set(h.day, [...(byDay.get(h.day) ?? []), h]);
  for (const list of byDay.values()) list.sort((a, b) => a.opensAt - b.opensAt);
  // Start a day early: an opening of the local day before may still be running at `from`.
  const first = addDays(localDateOf(calendar.timeZone, from), -1);
  for (let i = 0; i <= MAX_DAYS_AHEAD; i++) {
    const date = addDays(first, i);
    if (holidays.has(formatLocalDate(date))) continue;
    for (const h of byDay.get(isoWeekdayOf(date)) ?? []) {
      const start = localTimeToInstant(calendar.timeZone, date, h.opensAt);
      const end = localTimeToInstant(calendar.timeZone, date, h.closesAt);
      if (end.getTime() <= from.getTime()) continue;
      yield { start: new Date(Math.max(start.getTime(), from.getTime())), end };
    }
  }
}

/** Sorted, merged, non-empty pauses. */
function normalise(paused: readonly Interval[]): Interval[] {
  const sorted = paused.filter((p) => p.end.getTime() > p.start.getTime()).sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: Interval[] = [];
  for (const p of sorted) {
    const last = merged[merged.length - 1];
    if (last && p.start.getTime() <= last.end.getTime()) {
      if (p.end.getTime() > last.end.getTime()) last.end = p.end;
    } else {
      merged.push({ start: p.start, end: p.end });
    }
  }
  return merged;
}

/** The parts of `open` outside every pause (pauses sorted and merged). */
function* withoutPauses(open: Interval, pauses: Interval[]): Generator<Interval> {
  let cursor = open.start.getTime();
  const end = open.end.getTime();
  for (const p of pauses) {
    if (p.end.getTime() <= cursor) continue;
    if (p.start.getTime() >= end) break;
    if (p.start.getTime() > cursor) yield { start: new Date(cursor), end: new Date(p.start.getTime()) };
    cursor = Math.max(cursor, p.end.getTime());
    if (cursor >= end) return;
  }
  if (cursor < end) yield { start: new Date(cursor), end: new Date(end) };
}

/** The time the clock runs from `from` on: open and not paused, in order. */
function* runningIntervals(calendar: BusinessCalendar, from: Date, paused: readonly Interval[]): Generator<Interval> {
  const pauses = normalise(paused);
  for (const open of openIntervals(calendar, from)) yield* withoutPauses(open, pauses);
}

/**
 * The instant at which `seconds` of business time have run from `start`, skipping closed time
 * and the pauses. Zero seconds from a closed instant gives the instant itself.
 * Throws when the calendar is never open (calendarProblem refuses such calendars).
 */
export function addBusinessTime(calendar: BusinessCalendar, start: Date, seconds: number, paused: readonly Interval[] = []): Date {
  if (seconds <= 0) return start;
  let remaining = seconds * 1000;
  for (const run of runningIntervals(calendar, start, paused)) {
    const length = run.end.getTime() - run.start.getTime();
    if (remaining <= length) return new Date(run.start.getTime() + remaining);
    remaining -= length;
  }
  throw new Error(`the calendar is not open for ${seconds} business seconds within ${MAX_DAYS_AHEAD} days`);
}

/** Business seconds (fractional) that ran between `from` and `to`, outside the pauses. */
export function businessSecondsBetween(calendar: BusinessCalendar, from: Date, to: Date, paused: readonly Interval[] = []): number {
  if (to.getTime() <= from.getTime()) return 0;
  let ms = 0;
  for (const run of runningIntervals(calendar, from, paused)) {
    if (run.start.getTime() >= to.getTime()) break;
    ms += Math.min(run.end.getTime(), to.getTime()) - run.start.getTime();
  }
  return ms / 1000;
}

import { InvalidArgument } from "@relata/platform";
import { addDays, assertTimeZone, formatLocalDate, localDateOf, localTimeToInstant, weekdayOf, WEEKDAYS, type Weekday } from "./time-zone";

/**
 * Scheduling: appointments of bookable resources (rooms, field technicians, vehicles, agents).
 *
 * Time is cut into slots of SLOT_MINUTES aligned in UTC. An appointment holds every slot it
 * touches; booking claims those slots by unique keys, so two appointments of one resource never
 * share a slot (the one step the database applies atomically is the insert of a unique key).
 * A slot is the unit of booking: an appointment 10:05-10:20 holds the slots 10:00 and 10:15.
 */

export const SLOT_MINUTES = 15;
export const SLOT_MS = SLOT_MINUTES * 60_000;
/** The longest appointment (and so the most slots one booking claims: 14 days = 1,344 slots). */
export const MAX_APPOINTMENT_MS = 14 * 24 * 3_600_000;
/** The longest range an availability query covers. */
export const MAX_AVAILABILITY_MS = 31 * 24 * 3_600_000;

/** A half-open interval of time: [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

/** Hours of one weekday in the resource's time zone, "HH:MM" (end may be "24:00"); several per day are allowed. */
export interface WorkingHours {
  weekday: Weekday;
  start: string;
  end: string;
}

// ---- validation ----------------------------------------------------------------------------

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

const OPENING = new RegExp(`^(${WEEKDAYS.join("|")}) ((?:[01]\\d|2[0-3]):[0-5]\\d|24:00)-((?:[01]\\d|2[0-3]):[0-5]\\d|24:00)$`);

/**
 * Weekly working hours as the API writes them, one opening a line: "monday 09:00-17:00". Each
 * must end after it starts (hours across midnight are two openings); the field named is e.g.
 * `working_hours.2` (as the kit names a list item).
 */
export function parseWorkingHours(lines: readonly string[], field = "working_hours"): WorkingHours[] {
  const hours = lines.map((line, i) => {
    const m = OPENING.exec(line.trim().toLowerCase());
    if (!m) throw new InvalidArgument(`${field}.${i}`, `${field}.${i}: an opening such as "monday 09:00-17:00"`);
    return { weekday: m[1] as Weekday, start: m[2]!, end: m[3]! };
  });
  hours.forEach((h, i) => {
    if (minutesOf(h.end) <= minutesOf(h.start)) {
      throw new InvalidArgument(`${field}.${i}`, `${field}.${i}: must end after it starts (split hours that cross midnight into two days)`);
    }
  });
  return hours;
}

/** Checks an appointment's times: end after start, at most MAX_APPOINTMENT_MS long, a known time zone. */
export function assertAppointmentTimes(appointment: { start: Date; end: Date; timeZone: string }): void {
  if (Number.isNaN(appointment.start.getTime())) throw new InvalidArgument("start", "start: an RFC 3339 instant");
  if (Number.isNaN(appointment.end.getTime())) throw new InvalidArgument("end", "end: an RFC 3339 instant");
  if (appointment.end.getTime() <= appointment.start.getTime()) throw new InvalidArgument("end", "end: must be after start");
  if (appointment.end.getTime() - appointment.start.getTime() > MAX_APPOINTMENT_MS) {
    throw new InvalidArgument("end", `end: an appointment lasts at most ${MAX_APPOINTMENT_MS / 86_400_000} days`);
  }
  assertTimeZone(appointment.timeZone, "time_zone");
}

/** Checks an availability range: to after from, at most MAX_AVAILABILITY_MS apart. */
export function assertAvailabilityRange(range: Interval): void {
  if (Number.isNaN(range.start.getTime())) throw new InvalidArgument("from", "from: an RFC 3339 instant");
  if (Number.isNaN(range.end.getTime())) throw new InvalidArgument("to", "to: an RFC 3339 instant");
  if (range.end.getTime() <= range.start.getTime()) throw new InvalidArgument("to", "to: must be after from");
  if (range.end.getTime() - range.start.getTime() > MAX_AVAILABILITY_MS) {
    throw new InvalidArgument("to", `to: an availability range covers at most ${MAX_AVAILABILITY_MS / 86_400_000} days`);
  }
}

// ---- slots ---------------------------------------------------------------------------------

const floorToSlot = (t: number) => Math.floor(t / SLOT_MS) * SLOT_MS;
const ceilToSlot = (t: number) => Math.ceil(t / SLOT_MS) * SLOT_MS;

/** The starts of the slots an interval touches, in order. */
export function slotsCovered(interval: Interval): Date[] {
  const slots: Date[] = [];
  for (let t = floorToSlot(interval.start.getTime()); t < interval.end.getTime(); t += SLOT_MS) slots.push(new Date(t));
  return slots;
}

/** The claim key of one slot of one resource: `<resourceId>:<slotStartISO>`. */
export function slotKey(resourceId: string, slotStart: Date): string {
  return `${resourceId}:${slotStart.toISOString()}`;
}

/** The claim keys of every slot an appointment of the resource holds. */
export function slotKeys(resourceId: string, interval: Interval): string[] {
  return slotsCovered(interval).map((s) => slotKey(resourceId, s));
}

/** The slot start a claim key names (the inverse of slotKey). */
export function slotOfKey(key: string): Date {
  return new Date(key.slice(key.indexOf(":") + 1));
}

// ---- intervals -----------------------------------------------------------------------------

/** Sorts and joins intervals that overlap or touch; empty ones go. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end.getTime() > i.start.getTime()).sort((a, b) => a.start.getTime() - b.start.getTime());
  const merged: Interval[] = [];
  for (const i of sorted) {
    const last = merged[merged.length - 1];
    if (last && i.start.getTime() <= last.end.getTime()) {
      if (i.end.getTime() > last.end.getTime()) last.end = i.end;
    } else {
      merged.push({ start: i.start, end: i.end });
    }
  }
  return merged;
}

/** The parts of `from` that none of `minus` covers. */
export function subtractIntervals(from: readonly Interval[], minus: readonly Interval[]): Interval[] {
  const holes = mergeIntervals(minus);
  const result: Interval[] = [];
  for (const i of mergeIntervals(from)) {
    let cursor = i.start.getTime();
    const end = i.end.getTime();
    for (const h of holes) {
      if (h.end.getTime() <= cursor || h.start.getTime() >= end) continue;
      if (h.start.getTime() > cursor) result.push({ start: new Date(cursor), end: h.start });
      cursor = Math.max(cursor, h.end.getTime());
    }
    if (cursor < end) result.push({ start: new Date(cursor), end: new Date(end) });
  }
  return result;
}

/** Whether the intervals cover all of `inner`. */
export function coversInterval(intervals: readonly Interval[], inner: Interval): boolean {
  return subtractIntervals([inner], intervals).length === 0;
}

// ---- working hours and availability --------------------------------------------------------

/**
 * The working intervals of weekly hours in a time zone within a range (clipped to it). Without
 * working hours a resource is always available. Each day's hours are read in that day's
 * offset, so a change of daylight saving time moves them with the wall clock.
 */
export function workingIntervals(hours: readonly WorkingHours[], timeZone: string, range: Interval): Interval[] {
  if (hours.length === 0) return [{ start: range.start, end: range.end }];
  const intervals: Interval[] = [];
  const last = formatLocalDate(addDays(localDateOf(timeZone, range.end), 1));
  for (let date = addDays(localDateOf(timeZone, range.start), -1); formatLocalDate(date) <= last; date = addDays(date, 1)) {
    const weekday = weekdayOf(date);
    for (const h of hours) {
      if (h.weekday !== weekday) continue;
      const start = Math.max(localTimeToInstant(timeZone, date, minutesOf(h.start)).getTime(), range.start.getTime());
      const end = Math.min(localTimeToInstant(timeZone, date, minutesOf(h.end)).getTime(), range.end.getTime());
      if (end > start) intervals.push({ start: new Date(start), end: new Date(end) });
    }
  }
  return mergeIntervals(intervals);
}

/** Shrinks intervals to whole slots (a part of a slot cannot be booked on its own). */
function wholeSlots(intervals: readonly Interval[]): Interval[] {
  return intervals
    .map((i) => ({ start: new Date(ceilToSlot(i.start.getTime())), end: new Date(floorToSlot(i.end.getTime())) }))
    .filter((i) => i.end.getTime() > i.start.getTime());
}

/**
 * The free intervals of a resource within a range: its working hours (in its time zone) less
 * the slots its appointments hold, in whole slots. `booked` are the held slots or the
 * appointments themselves (widened here to the slots they hold).
 */
export function availability(spec: { hours: readonly WorkingHours[]; timeZone: string; booked: readonly Interval[]; range: Interval }): Interval[] {
  const held = spec.booked.map((b) => ({ start: new Date(floorToSlot(b.start.getTime())), end: new Date(ceilToSlot(b.end.getTime())) }));
  return wholeSlots(subtractIntervals(workingIntervals(spec.hours, spec.timeZone, spec.range), held));
}

/** Whether an appointment lies within the resource's working hours (always, without hours). */
export function withinWorkingHours(hours: readonly WorkingHours[], timeZone: string, appointment: Interval): boolean {
  return coversInterval(workingIntervals(hours, timeZone, appointment), appointment);
}

import { AppError } from "@relata/platform";
import {
  addDays,
  assertTimeZone,
  formatLocalDate,
  isoWeekdayOf,
  isTimeZone,
  localDateOf,
  localTimeToInstant,
  offsetMs,
  wallClockMs,
  weekdayOf,
  WEEKDAYS,
  type LocalDate,
} from "../../src/domain/time-zone";

const at = (iso: string) => new Date(iso);
const HOUR_MS = 3_600_000;
const parseLocalDate = (text: string): LocalDate => {
  const [year, month, day] = text.split("-").map(Number) as [number, number, number];
  return { year, month, day };
};
/** The instant a zone's wall clock shows "HH:MM" on "YYYY-MM-DD" (24:00 is the next midnight). */
const instantOf = (date: string, time: string, timeZone: string) =>
  localTimeToInstant(timeZone, parseLocalDate(date), Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))).toISOString();

describe("zone names", () => {
  it("knows IANA names and refuses others", () => {
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(isTimeZone("Europe/Atlantis")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });

  it("refuses an unknown zone as an invalid argument naming the field", () => {
    expect(() => assertTimeZone("Europe/Berlin", "time_zone")).not.toThrow();
    let thrown: unknown;
    try {
      assertTimeZone("Mars/Olympus", "time_zone");
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ field: "time_zone", message: 'time_zone: "Mars/Olympus" is not an IANA time zone (e.g. "Europe/Paris")' });
  });

  it("throws for an unknown zone in the arithmetic rather than reading it as UTC", () => {
    expect(() => offsetMs("Mars/Olympus", Date.UTC(2026, 0, 1))).toThrow(RangeError);
    expect(() => localTimeToInstant("Mars/Olympus", { year: 2026, month: 1, day: 1 }, 540)).toThrow(RangeError);
  });
});

describe("wall clock and offset of an instant", () => {
  it("follow Berlin's spring change (last Sunday of March, 01:00Z: 02:00 CET becomes 03:00 CEST)", () => {
    expect(offsetMs("Europe/Berlin", at("2026-03-29T00:59:59Z").getTime())).toBe(HOUR_MS);
    expect(offsetMs("Europe/Berlin", at("2026-03-29T01:00:00Z").getTime())).toBe(2 * HOUR_MS);
    expect(new Date(wallClockMs("Europe/Berlin", at("2026-03-29T00:59:59.250Z").getTime())).toISOString()).toBe("2026-03-29T01:59:59.250Z");
    expect(new Date(wallClockMs("Europe/Berlin", at("2026-03-29T01:00:00Z").getTime())).toISOString()).toBe("2026-03-29T03:00:00.000Z");
  });

  it("follow Berlin's autumn change (last Sunday of October, 01:00Z: 03:00 CEST becomes 02:00 CET)", () => {
    expect(offsetMs("Europe/Berlin", at("2026-10-25T00:59:59Z").getTime())).toBe(2 * HOUR_MS);
    expect(offsetMs("Europe/Berlin", at("2026-10-25T01:00:00Z").getTime())).toBe(HOUR_MS);
    // 02:30 local is shown twice: at 00:30Z (CEST) and at 01:30Z (CET).
    expect(new Date(wallClockMs("Europe/Berlin", at("2026-10-25T00:30:00Z").getTime())).toISOString()).toBe("2026-10-25T02:30:00.000Z");
    expect(new Date(wallClockMs("Europe/Berlin", at("2026-10-25T01:30:00Z").getTime())).toISOString()).toBe("2026-10-25T02:30:00.000Z");
  });

  it("stay put in a zone without DST, also at odd offsets", () => {
    expect(offsetMs("Asia/Tokyo", at("2026-01-15T00:00:00Z").getTime())).toBe(9 * HOUR_MS);
    expect(offsetMs("Asia/Tokyo", at("2026-07-15T00:00:00Z").getTime())).toBe(9 * HOUR_MS);
    expect(offsetMs("Asia/Kathmandu", at("2026-07-15T00:00:00Z").getTime())).toBe(5.75 * HOUR_MS);
    expect(offsetMs("UTC", at("2026-07-15T00:00:00Z").getTime())).toBe(0);
  });

  it("give the calendar date of an instant in a zone", () => {
    expect(formatLocalDate(localDateOf("UTC", at("2026-03-02T23:30:00Z")))).toBe("2026-03-02");
    expect(formatLocalDate(localDateOf("Europe/Paris", at("2026-03-02T23:30:00Z")))).toBe("2026-03-03");
    expect(formatLocalDate(localDateOf("America/Los_Angeles", at("2026-03-02T03:30:00Z")))).toBe("2026-03-01");
  });
});

describe("the instant of a local wall-clock time", () => {
  it("reads winter and summer times under their offsets", () => {
    expect(instantOf("2026-01-15", "09:00", "Europe/Paris")).toBe("2026-01-15T08:00:00.000Z");
    expect(instantOf("2026-07-15", "09:00", "Europe/Paris")).toBe("2026-07-15T07:00:00.000Z");
    expect(instantOf("2026-07-15", "09:00", "America/New_York")).toBe("2026-07-15T13:00:00.000Z");
    expect(instantOf("2026-07-15", "09:00", "Asia/Kathmandu")).toBe("2026-07-15T03:15:00.000Z");
    expect(instantOf("2026-07-15", "24:00", "UTC")).toBe("2026-07-16T00:00:00.000Z");
  });

  it("reads a time Berlin's spring change skips under the offset before it: after the gap", () => {
    // 02:30 does not exist on 29 March 2026; read under CET it is 01:30Z, which the wall shows as 03:30.
    expect(localTimeToInstant("Europe/Berlin", { year: 2026, month: 3, day: 29 }, 150)).toEqual(at("2026-03-29T01:30:00Z"));
    expect(instantOf("2026-03-29", "02:30", "Europe/Paris")).toBe("2026-03-29T01:30:00.000Z");
    expect(instantOf("2026-03-08", "02:30", "America/New_York")).toBe("2026-03-08T07:30:00.000Z");
    // Around the gap: 01:59 is still CET, 03:00 already CEST, and both sides of the gap meet at 01:00Z.
    expect(instantOf("2026-03-29", "01:59", "Europe/Berlin")).toBe("2026-03-29T00:59:00.000Z");
    expect(instantOf("2026-03-29", "02:00", "Europe/Berlin")).toBe("2026-03-29T01:00:00.000Z");
    expect(instantOf("2026-03-29", "03:00", "Europe/Berlin")).toBe("2026-03-29T01:00:00.000Z");
    // Later the same day reads under the new offset.
    expect(instantOf("2026-03-29", "09:00", "Europe/Berlin")).toBe("2026-03-29T07:00:00.000Z");
    expect(localTimeToInstant("America/New_York", { year: 2026, month: 3, day: 8 }, 9 * 60)).toEqual(at("2026-03-08T13:00:00Z"));
  });

  it("reads a time Berlin's autumn change repeats as its first occurrence", () => {
    expect(localTimeToInstant("Europe/Berlin", { year: 2026, month: 10, day: 25 }, 150)).toEqual(at("2026-10-25T00:30:00Z"));
    expect(instantOf("2026-10-25", "02:30", "Europe/Paris")).toBe("2026-10-25T00:30:00.000Z");
    // 03:00 comes once, under CET; later the same day reads under the new offset.
    expect(instantOf("2026-10-25", "03:00", "Europe/Berlin")).toBe("2026-10-25T02:00:00.000Z");
    expect(localTimeToInstant("Europe/Berlin", { year: 2026, month: 10, day: 25 }, 9 * 60)).toEqual(at("2026-10-25T08:00:00Z"));
  });

  it("is the inverse of the wall clock in a zone without DST", () => {
    for (const [date, time] of [["2026-03-29", "02:30"], ["2026-10-25", "02:30"], ["2026-12-31", "23:59"]] as const) {
      const instant = instantOf(date, time, "Asia/Tokyo");
      expect(new Date(wallClockMs("Asia/Tokyo", Date.parse(instant))).toISOString()).toBe(`${date}T${time}:00.000Z`);
    }
  });
});

describe("local dates and weekdays", () => {
  it("lists the weekdays in ISO order, Monday first", () => {
    expect(WEEKDAYS).toEqual(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]);
  });

  it("give the weekday of a local date, by name and by ISO number", () => {
    // Monday 2 March 2026 to Sunday 8 March 2026.
    const week = [0, 1, 2, 3, 4, 5, 6].map((i) => addDays({ year: 2026, month: 3, day: 2 }, i));
    expect(week.map(weekdayOf)).toEqual([...WEEKDAYS]);
    expect(week.map(isoWeekdayOf)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("count days across months, years and leap days, and write them as YYYY-MM-DD", () => {
    expect(formatLocalDate(addDays(parseLocalDate("2028-02-28"), 1))).toBe("2028-02-29");
    expect(formatLocalDate(addDays(parseLocalDate("2026-12-31"), 1))).toBe("2027-01-01");
    expect(formatLocalDate(addDays(parseLocalDate("2026-03-01"), -1))).toBe("2026-02-28");
    expect(formatLocalDate({ year: 999, month: 1, day: 5 })).toBe("0999-01-05");
  });
});

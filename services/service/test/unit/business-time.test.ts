import {
  addBusinessTime,
  businessSecondsBetween,
  calendarProblem,
  parseClockTime,
  type BusinessCalendar,
  type OpeningHours,
} from "../../src/domain/business-time";
import type { IsoWeekday } from "../../src/domain/time-zone";

const HOUR = 3600;
const at = (iso: string) => new Date(iso);
const weekdays = (opens: string, closes: string, days: IsoWeekday[] = [1, 2, 3, 4, 5]): OpeningHours[] =>
  days.map((day) => ({ day, opensAt: parseClockTime(opens)!, closesAt: parseClockTime(closes)! }));

// Berlin: CET (+01:00) in winter, CEST (+02:00) from the last Sunday of March to the last of October.
const berlin: BusinessCalendar = { timeZone: "Europe/Berlin", weeklyHours: weekdays("09:00", "17:00"), holidays: ["2026-12-25", "2026-12-24"] };
// Tokyo keeps +09:00 all year.
const tokyo: BusinessCalendar = { timeZone: "Asia/Tokyo", weeklyHours: weekdays("09:00", "18:00"), holidays: [] };
const allDay = (timeZone: string): BusinessCalendar => ({ timeZone, weeklyHours: weekdays("00:00", "24:00", [1, 2, 3, 4, 5, 6, 7]), holidays: [] });

describe("adding business time", () => {
  it("counts within one opening", () => {
    // Monday 30 November 2026, 10:00 in Berlin (09:00Z), plus two hours.
    expect(addBusinessTime(berlin, at("2026-11-30T09:00:00Z"), 2 * HOUR)).toEqual(at("2026-11-30T11:00:00Z"));
  });

  it("starts counting at the next opening when it starts after hours", () => {
    // Monday 18:00 Berlin plus one hour: Tuesday 10:00 Berlin.
    expect(addBusinessTime(berlin, at("2026-11-30T17:00:00Z"), HOUR)).toEqual(at("2026-12-01T09:00:00Z"));
    // Before opening on the same day: from 09:00.
    expect(addBusinessTime(berlin, at("2026-12-01T05:00:00Z"), 30 * 60)).toEqual(at("2026-12-01T08:30:00Z"));
  });

  it("skips the weekend", () => {
    // Friday 4 December 16:00 Berlin plus two hours: Monday 7 December 10:00.
    expect(addBusinessTime(berlin, at("2026-12-04T15:00:00Z"), 2 * HOUR)).toEqual(at("2026-12-07T09:00:00Z"));
  });

  it("skips holidays, also when it starts on one", () => {
    // Thursday 24 and Friday 25 December are holidays: from Thursday 10:00, one hour ends Monday 28 at 10:00.
    expect(addBusinessTime(berlin, at("2026-12-24T09:00:00Z"), HOUR)).toEqual(at("2026-12-28T09:00:00Z"));
    // Wednesday 23 December 16:30 plus one hour: half an hour that day, half an hour on Monday 28.
    expect(addBusinessTime(berlin, at("2026-12-23T15:30:00Z"), HOUR)).toEqual(at("2026-12-28T08:30:00Z"));
  });

  it("counts across weeks", () => {
    // 40 business hours a week: Monday 09:00 plus 45 hours is the next Monday 14:00.
    expect(addBusinessTime(berlin, at("2026-11-30T08:00:00Z"), 45 * HOUR)).toEqual(at("2026-12-07T13:00:00Z"));
    // Two full weeks end at the second Friday's closing, not at the Monday after.
    expect(addBusinessTime(berlin, at("2026-11-30T08:00:00Z"), 80 * HOUR)).toEqual(at("2026-12-11T16:00:00Z"));
  });

  it("uses several openings on one day", () => {
    const lunch: BusinessCalendar = { ...berlin, weeklyHours: [...weekdays("09:00", "12:00"), ...weekdays("13:00", "17:00")] };
    // Monday 11:00 plus two hours: one before lunch, one after, ends 14:00.
    expect(addBusinessTime(lunch, at("2026-11-30T10:00:00Z"), 2 * HOUR)).toEqual(at("2026-11-30T13:00:00Z"));
    // Starting during lunch counts from 13:00.
    expect(addBusinessTime(lunch, at("2026-11-30T11:30:00Z"), HOUR)).toEqual(at("2026-11-30T13:00:00Z"));
  });

  it("stands still while paused", () => {
    const pauses = [{ start: at("2026-11-30T10:00:00Z"), end: at("2026-11-30T12:00:00Z") }];
    // Monday 10:00 Berlin plus three hours, paused 11:00-13:00 Berlin: 15:00 Berlin.
    expect(addBusinessTime(berlin, at("2026-11-30T09:00:00Z"), 3 * HOUR, pauses)).toEqual(at("2026-11-30T14:00:00Z"));
    // A pause over the closing and the night only costs what it covers of the opening hours.
    const overnight = [{ start: at("2026-11-30T15:00:00Z"), end: at("2026-12-01T09:00:00Z") }];
    // Monday 15:00 Berlin plus two hours: one hour until the pause (16:00), Tuesday 10:00 on: 11:00.
    expect(addBusinessTime(berlin, at("2026-11-30T14:00:00Z"), 2 * HOUR, overnight)).toEqual(at("2026-12-01T10:00:00Z"));
    // Overlapping pauses count once.
    const overlapping = [...pauses, { start: at("2026-11-30T11:00:00Z"), end: at("2026-11-30T12:30:00Z") }];
    expect(addBusinessTime(berlin, at("2026-11-30T09:00:00Z"), 3 * HOUR, overlapping)).toEqual(at("2026-11-30T14:30:00Z"));
  });

  it("keeps local opening hours across the spring DST change in Berlin", () => {
    // Friday 27 March 2026 16:00 CET (15:00Z) plus two hours: Monday 30 March 10:00 CEST, which is 08:00Z.
    expect(addBusinessTime(berlin, at("2026-03-27T15:00:00Z"), 2 * HOUR)).toEqual(at("2026-03-30T08:00:00Z"));
    // The night the clocks go forward has 23 hours.
    expect(businessSecondsBetween(allDay("Europe/Berlin"), at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z"))).toBe(23 * HOUR);
  });

  it("keeps local opening hours across the autumn DST change in Berlin", () => {
    // Friday 23 October 2026 16:00 CEST (14:00Z) plus two hours: Monday 26 October 10:00 CET, which is 09:00Z.
    expect(addBusinessTime(berlin, at("2026-10-23T14:00:00Z"), 2 * HOUR)).toEqual(at("2026-10-26T09:00:00Z"));
    // The night the clocks go back has 25 hours: 24 business hours from midnight end at 23:00 local.
    expect(addBusinessTime(allDay("Europe/Berlin"), at("2026-10-24T22:00:00Z"), 24 * HOUR)).toEqual(at("2026-10-25T22:00:00Z"));
    expect(businessSecondsBetween(allDay("Europe/Berlin"), at("2026-10-24T22:00:00Z"), at("2026-10-25T23:00:00Z"))).toBe(25 * HOUR);
  });

  it("counts an opening the spring change cuts short by what the clocks show", () => {
    // Sunday 29 March 2026, open 01:00-04:00 local: 02:00-03:00 does not exist, so two hours.
    const night: BusinessCalendar = { timeZone: "Europe/Berlin", weeklyHours: weekdays("01:00", "04:00", [7]), holidays: [] };
    expect(businessSecondsBetween(night, at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z"))).toBe(2 * HOUR);
  });

  it("works in a zone without DST", () => {
    // Monday 30 November 2026 17:30 in Tokyo (08:30Z) plus one hour: Tuesday 09:30 Tokyo (00:30Z).
    expect(addBusinessTime(tokyo, at("2026-11-30T08:30:00Z"), HOUR)).toEqual(at("2026-12-01T00:30:00Z"));
    // A local day is 24 hours all year.
    expect(businessSecondsBetween(allDay("Asia/Tokyo"), at("2026-03-28T15:00:00Z"), at("2026-03-29T15:00:00Z"))).toBe(24 * HOUR);
  });

  it("counts seconds, not just whole minutes", () => {
    expect(addBusinessTime(berlin, at("2026-11-30T15:59:50Z"), 15)).toEqual(at("2026-12-01T08:00:05Z"));
  });

  it("gives the start itself for no time", () => {
    expect(addBusinessTime(berlin, at("2026-11-29T12:00:00Z"), 0)).toEqual(at("2026-11-29T12:00:00Z"));
  });
});

describe("business time elapsed", () => {
  it("counts only open, unpaused time", () => {
    // Monday 16:00 Berlin to Tuesday 10:00 Berlin: one hour Monday, one hour Tuesday.
    expect(businessSecondsBetween(berlin, at("2026-11-30T15:00:00Z"), at("2026-12-01T09:00:00Z"))).toBe(2 * HOUR);
    const pauses = [{ start: at("2026-12-01T08:30:00Z"), end: at("2026-12-01T08:45:00Z") }];
    expect(businessSecondsBetween(berlin, at("2026-11-30T15:00:00Z"), at("2026-12-01T09:00:00Z"), pauses)).toBe(2 * HOUR - 15 * 60);
    // A weekend, a holiday and backwards spans count nothing.
    expect(businessSecondsBetween(berlin, at("2026-12-05T08:00:00Z"), at("2026-12-06T20:00:00Z"))).toBe(0);
    expect(businessSecondsBetween(berlin, at("2026-12-25T08:00:00Z"), at("2026-12-25T16:00:00Z"))).toBe(0);
    expect(businessSecondsBetween(berlin, at("2026-12-01T09:00:00Z"), at("2026-11-30T09:00:00Z"))).toBe(0);
  });

  it("is the inverse of adding business time", () => {
    const calendars = [berlin, tokyo, { ...berlin, weeklyHours: [...weekdays("08:00", "12:00"), ...weekdays("13:30", "18:15", [1, 3, 6])] }];
    const starts = ["2026-03-26T07:13:00Z", "2026-10-23T16:59:59Z", "2026-12-23T12:00:00Z", "2026-06-07T03:00:00Z"].map(at);
    const durations = [1, 59, 3599, 8 * HOUR, 37 * HOUR + 17, 200 * HOUR];
    const pauses = [{ start: at("2026-12-28T09:00:00Z"), end: at("2026-12-29T11:00:00Z") }];
    for (const calendar of calendars) {
      for (const start of starts) {
        for (const seconds of durations) {
          const due = addBusinessTime(calendar, start, seconds, pauses);
          expect(businessSecondsBetween(calendar, start, due, pauses)).toBeCloseTo(seconds, 6);
        }
      }
    }
  });
});

describe("calendar checks", () => {
  it("names what is wrong", () => {
    expect(calendarProblem(berlin)).toBeUndefined();
    expect(calendarProblem({ ...berlin, timeZone: "Europe/Atlantis" })?.field).toBe("time_zone");
    expect(calendarProblem({ ...berlin, weeklyHours: [] })?.field).toBe("weekly_hours");
    expect(calendarProblem({ ...berlin, weeklyHours: [{ day: 1, opensAt: 600, closesAt: 540 }] })?.field).toBe("weekly_hours.0");
    expect(calendarProblem({ ...berlin, weeklyHours: [...weekdays("09:00", "12:00"), { day: 2, opensAt: 660, closesAt: 800 }] })).toEqual({
      field: "weekly_hours",
      reason: "openings overlap on weekday 2",
    });
  });

  it("reads clock times", () => {
    expect(parseClockTime("09:30")).toBe(570);
    expect(parseClockTime("24:00")).toBe(1440);
    expect(parseClockTime("24:01")).toBeUndefined();
    expect(parseClockTime("9:30")).toBeUndefined();
  });
});

import {
  assertAppointmentTimes,
  assertAvailabilityRange,
  availability,
  mergeIntervals,
  parseWorkingHours,
  slotKeys,
  slotOfKey,
  slotsCovered,
  subtractIntervals,
  withinWorkingHours,
  workingIntervals,
  type Interval,
  type WorkingHours,
} from "../../src/domain/scheduling";

const at = (iso: string) => new Date(iso);
const iv = (start: string, end: string): Interval => ({ start: at(start), end: at(end) });
const iso = (intervals: Interval[]) => intervals.map((i) => [i.start.toISOString(), i.end.toISOString()]);
const weekdays = (start: string, end: string): WorkingHours[] =>
  (["monday", "tuesday", "wednesday", "thursday", "friday"] as const).map((weekday) => ({ weekday, start, end }));

describe("slots", () => {
  it("are the 15-minute slots, aligned in UTC, that an appointment touches", () => {
    expect(slotsCovered(iv("2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z")).map((d) => d.toISOString())).toEqual([
      "2026-03-02T10:00:00.000Z",
      "2026-03-02T10:15:00.000Z",
      "2026-03-02T10:30:00.000Z",
      "2026-03-02T10:45:00.000Z",
    ]);
    // A part of a slot holds the whole slot.
    expect(slotsCovered(iv("2026-03-02T10:05:00Z", "2026-03-02T10:20:00Z")).map((d) => d.toISOString())).toEqual([
      "2026-03-02T10:00:00.000Z",
      "2026-03-02T10:15:00.000Z",
    ]);
    // Instants given with an offset land on the same UTC slots.
    expect(slotsCovered(iv("2026-03-02T15:30:00+05:30", "2026-03-02T15:45:00+05:30")).map((d) => d.toISOString())).toEqual([
      "2026-03-02T10:00:00.000Z",
    ]);
  });

  it("are keyed by resource and slot start, and the key gives the slot back", () => {
    const keys = slotKeys("res-1", iv("2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z"));
    expect(keys).toEqual(["res-1:2026-03-02T10:00:00.000Z", "res-1:2026-03-02T10:15:00.000Z"]);
    expect(slotOfKey(keys[1]!).toISOString()).toBe("2026-03-02T10:15:00.000Z");
  });

  it("of overlapping appointments meet, of adjacent ones do not", () => {
    const a = slotKeys("r", iv("2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z"));
    const overlapping = slotKeys("r", iv("2026-03-02T10:50:00Z", "2026-03-02T11:30:00Z"));
    const adjacent = slotKeys("r", iv("2026-03-02T11:00:00Z", "2026-03-02T11:30:00Z"));
    expect(overlapping.filter((k) => a.includes(k))).toEqual(["r:2026-03-02T10:45:00.000Z"]);
    expect(adjacent.filter((k) => a.includes(k))).toEqual([]);
  });
});

describe("intervals", () => {
  it("merge when they overlap or touch", () => {
    expect(
      iso(mergeIntervals([iv("2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z"), iv("2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z"), iv("2026-03-02T11:00:00Z", "2026-03-02T11:30:00Z")])),
    ).toEqual([
      ["2026-03-02T10:00:00.000Z", "2026-03-02T11:30:00.000Z"],
      ["2026-03-02T12:00:00.000Z", "2026-03-02T13:00:00.000Z"],
    ]);
  });

  it("subtract, leaving what is not covered", () => {
    const day = [iv("2026-03-02T09:00:00Z", "2026-03-02T17:00:00Z")];
    expect(iso(subtractIntervals(day, [iv("2026-03-02T08:00:00Z", "2026-03-02T10:00:00Z"), iv("2026-03-02T12:00:00Z", "2026-03-02T13:00:00Z")]))).toEqual([
      ["2026-03-02T10:00:00.000Z", "2026-03-02T12:00:00.000Z"],
      ["2026-03-02T13:00:00.000Z", "2026-03-02T17:00:00.000Z"],
    ]);
    expect(subtractIntervals(day, [iv("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z")])).toEqual([]);
  });
});

describe("working hours and availability", () => {
  const paris = weekdays("09:00", "17:00");
  // 2026-03-02 is a Monday; 2026-03-07 a Saturday.
  const week = iv("2026-03-02T00:00:00Z", "2026-03-09T00:00:00Z");

  it("are read in the resource's time zone, day by day, also across a change of daylight saving time", () => {
    expect(iso(workingIntervals(paris, "Europe/Paris", iv("2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z")))).toEqual([
      ["2026-03-06T08:00:00.000Z", "2026-03-06T16:00:00.000Z"],
      ["2026-03-09T08:00:00.000Z", "2026-03-09T16:00:00.000Z"],
    ]);
    // Paris moves to summer time on 2026-03-29: Friday 27 at UTC+1, Monday 30 at UTC+2.
    expect(iso(workingIntervals(paris, "Europe/Paris", iv("2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z")))).toEqual([
      ["2026-03-27T08:00:00.000Z", "2026-03-27T16:00:00.000Z"],
      ["2026-03-30T07:00:00.000Z", "2026-03-30T15:00:00.000Z"],
    ]);
  });

  it("reach across UTC midnight where the zone is far from UTC, and are clipped to the range", () => {
    // Tokyo 09:00-17:00 is 00:00-08:00 UTC; Los Angeles 16:00-20:00 (winter) is 00:00-04:00 UTC the next day.
    expect(iso(workingIntervals(weekdays("09:00", "17:00"), "Asia/Tokyo", iv("2026-03-02T02:00:00Z", "2026-03-02T12:00:00Z")))).toEqual([
      ["2026-03-02T02:00:00.000Z", "2026-03-02T08:00:00.000Z"],
    ]);
    expect(iso(workingIntervals([{ weekday: "monday", start: "16:00", end: "20:00" }], "America/Los_Angeles", iv("2026-03-03T00:00:00Z", "2026-03-04T00:00:00Z")))).toEqual([
      ["2026-03-03T00:00:00.000Z", "2026-03-03T04:00:00.000Z"],
    ]);
  });

  it("without working hours, a resource is available around the clock", () => {
    expect(iso(workingIntervals([], "UTC", iv("2026-03-07T00:00:00Z", "2026-03-08T00:00:00Z")))).toEqual([["2026-03-07T00:00:00.000Z", "2026-03-08T00:00:00.000Z"]]);
  });

  it("is the working hours less the slots appointments hold, in whole slots", () => {
    const free = availability({
      hours: [{ weekday: "monday", start: "09:00", end: "12:00" }, { weekday: "monday", start: "13:00", end: "17:00" }],
      timeZone: "UTC",
      booked: [iv("2026-03-02T10:00:00Z", "2026-03-02T10:30:00Z"), iv("2026-03-02T14:05:00Z", "2026-03-02T14:20:00Z")],
      range: week,
    });
    expect(iso(free)).toEqual([
      ["2026-03-02T09:00:00.000Z", "2026-03-02T10:00:00.000Z"],
      ["2026-03-02T10:30:00.000Z", "2026-03-02T12:00:00.000Z"],
      ["2026-03-02T13:00:00.000Z", "2026-03-02T14:00:00.000Z"],
      // 14:05-14:20 holds the slots 14:00 and 14:15.
      ["2026-03-02T14:30:00.000Z", "2026-03-02T17:00:00.000Z"],
    ]);
  });

  it("offers only whole slots of a range that starts or ends inside one", () => {
    const free = availability({ hours: [], timeZone: "UTC", booked: [], range: iv("2026-03-02T10:05:00Z", "2026-03-02T11:10:00Z") });
    expect(iso(free)).toEqual([["2026-03-02T10:15:00.000Z", "2026-03-02T11:00:00.000Z"]]);
  });

  it("tells whether an appointment lies within the working hours", () => {
    expect(withinWorkingHours(paris, "Europe/Paris", iv("2026-03-02T08:00:00Z", "2026-03-02T09:00:00Z"))).toBe(true);
    expect(withinWorkingHours(paris, "Europe/Paris", iv("2026-03-02T07:45:00Z", "2026-03-02T09:00:00Z"))).toBe(false);
    expect(withinWorkingHours(paris, "Europe/Paris", iv("2026-03-07T10:00:00Z", "2026-03-07T11:00:00Z"))).toBe(false);
    // Across two working days, the night between is not working time.
    expect(withinWorkingHours(paris, "Europe/Paris", iv("2026-03-02T15:00:00Z", "2026-03-03T09:00:00Z"))).toBe(false);
    expect(withinWorkingHours([], "UTC", iv("2026-03-07T10:00:00Z", "2026-03-07T11:00:00Z"))).toBe(true);
  });
});

describe("validation", () => {
  const field = (fn: () => void) => {
    try {
      fn();
    } catch (err) {
      return (err as { field?: string }).field;
    }
    return undefined;
  };

  it("reads working hours written one opening a line, naming the line that fails", () => {
    expect(parseWorkingHours(["monday 09:00-12:00", " Monday 13:00-17:00", "friday 00:00-24:00"])).toEqual([
      { weekday: "monday", start: "09:00", end: "12:00" },
      { weekday: "monday", start: "13:00", end: "17:00" },
      { weekday: "friday", start: "00:00", end: "24:00" },
    ]);
    expect(field(() => parseWorkingHours(["monday 09:00-17:00", "mon 09:00-17:00"]))).toBe("working_hours.1");
    expect(field(() => parseWorkingHours(["monday 9:00-17:00"]))).toBe("working_hours.0");
    expect(field(() => parseWorkingHours(["monday 22:00-06:00"]))).toBe("working_hours.0");
    expect(field(() => parseWorkingHours(["monday 24:00-24:00"]))).toBe("working_hours.0");
  });

  it("checks an appointment's times and time zone", () => {
    const ok = { start: at("2026-03-02T10:00:00Z"), end: at("2026-03-02T11:00:00Z"), timeZone: "Europe/Paris" };
    expect(field(() => assertAppointmentTimes(ok))).toBeUndefined();
    expect(field(() => assertAppointmentTimes({ ...ok, end: ok.start }))).toBe("end");
    expect(field(() => assertAppointmentTimes({ ...ok, start: at("nope") }))).toBe("start");
    expect(field(() => assertAppointmentTimes({ ...ok, end: at("2026-03-17T10:00:01Z") }))).toBe("end");
    expect(field(() => assertAppointmentTimes({ ...ok, timeZone: "Paris" }))).toBe("time_zone");
  });

  it("checks an availability range", () => {
    expect(field(() => assertAvailabilityRange(iv("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")))).toBeUndefined();
    expect(field(() => assertAvailabilityRange(iv("2026-03-01T00:00:00Z", "2026-04-01T00:00:01Z")))).toBe("to");
    expect(field(() => assertAvailabilityRange(iv("2026-03-02T00:00:00Z", "2026-03-01T00:00:00Z")))).toBe("to");
    expect(field(() => assertAvailabilityRange({ start: at("x"), end: at("2026-03-01T00:00:00Z") }))).toBe("from");
  });
});

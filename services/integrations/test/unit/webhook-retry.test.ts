import { DEFAULT_RETRY_SCHEDULE, MAX_RETRY_AFTER_MS, parseRetryAfter, parseRetrySchedule, retryDelayMs } from "../../src/domain/webhook-retry";

test("the default schedule spreads ten retries over about three days, each longer or as long", () => {
  const schedule = parseRetrySchedule(DEFAULT_RETRY_SCHEDULE);
  expect(schedule).toHaveLength(10);
  for (let i = 1; i < schedule.length; i++) expect(schedule[i]!).toBeGreaterThanOrEqual(schedule[i - 1]!);
  const total = schedule.reduce((a, b) => a + b, 0);
  expect(total / 86_400_000).toBeGreaterThan(2.5);
  expect(total / 86_400_000).toBeLessThan(3.5);
});

test("schedules are lists of durations", () => {
  expect(parseRetrySchedule("1s, 2s,4s")).toEqual([1000, 2000, 4000]);
  expect(parseRetrySchedule("500ms,1m,1h,1d")).toEqual([500, 60_000, 3_600_000, 86_400_000]);
  expect(() => parseRetrySchedule("1s,soon")).toThrow(/soon/);
  expect(() => parseRetrySchedule("")).toThrow(/at least one/);
});

test("a retry waits its delay within ±20 %, and none follows the last", () => {
  const schedule = [1000, 60_000];
  expect(retryDelayMs(schedule, 1, 0)).toBe(800);
  expect(retryDelayMs(schedule, 1, 0.5)).toBe(1000);
  expect(retryDelayMs(schedule, 1, 0.99999)).toBe(1200);
  expect(retryDelayMs(schedule, 2, 0)).toBe(48_000);
  expect(retryDelayMs(schedule, 3)).toBeNull();
});

test("Retry-After in seconds or as an HTTP date", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  expect(parseRetryAfter("120", now)).toBe(120_000);
  expect(parseRetryAfter("Tue, 01 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
  expect(parseRetryAfter("Tue, 01 Dec 2026 09:00:00 GMT", now)).toBe(0);
  expect(parseRetryAfter("9999999", now)).toBe(MAX_RETRY_AFTER_MS);
  expect(parseRetryAfter("soon", now)).toBeNull();
  expect(parseRetryAfter(undefined, now)).toBeNull();
});

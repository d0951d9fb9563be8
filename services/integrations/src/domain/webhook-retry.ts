/**
 * When a failed delivery is tried again: a schedule of delays (exponential, spread over about
 * three days), each with ±20 % jitter so endpoints that failed together are not hit together
 * again; an endpoint's Retry-After (429, 503) replaces the delay.
 */

export const DEFAULT_RETRY_SCHEDULE = "5s,1m,5m,30m,1h,3h,6h,12h,24h,24h";

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "5s,1m,1h" → milliseconds; throws on a malformed item. */
export function parseRetrySchedule(text: string): number[] {
  const delays = text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(item);
      if (!m) throw new Error(`retry schedule item "${item}" must be a number with ms, s, m, h or d`);
      return Math.round(Number(m[1]) * UNITS[m[2]!]!);
    });
  if (delays.length === 0) throw new Error("the retry schedule needs at least one delay");
  return delays;
}

export const JITTER = 0.2;

/**
 * The delay before attempt `failedAttempts + 1` of a series, or null when the schedule is
 * spent (the delivery has failed). `random` is in [0, 1).
 */
export function retryDelayMs(schedule: readonly number[], failedAttempts: number, random: number = Math.random()): number | null {
  const base = schedule[failedAttempts - 1];
  if (base === undefined) return null;
  return Math.max(0, Math.round(base * (1 - JITTER + 2 * JITTER * random)));
}

/** The most a Retry-After may push an attempt back (the schedule's whole span is about three days). */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** Retry-After as delta-seconds or an HTTP date, in milliseconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(MAX_RETRY_AFTER_MS, Number(text) * 1_000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - now.getTime()));
}

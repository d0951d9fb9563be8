export interface WaitOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Pause between two checks (default 100 ms). */
  intervalMs?: number;
  /** What is awaited, for the error message ("sales to be serving"). */
  what?: string;
}

export class WaitTimeoutError extends Error {
  constructor(
    message: string,
    readonly lastError?: unknown,
  ) {
    super(message);
    this.name = "WaitTimeoutError";
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Calls `check` until it resolves to true. A check that throws counts as "not yet"; the last
 * error is named in the timeout error. One check runs at a time, and a check still running at
 * the deadline is waited for (it decides the outcome).
 */
export async function waitFor(check: () => Promise<boolean>, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 100, what = "the condition" } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      const cause = lastError === undefined ? "" : `; last error: ${describe(lastError)}`;
      throw new WaitTimeoutError(`timed out after ${timeoutMs} ms (${attempts} checks) waiting for ${what}${cause}`, lastError);
    }
    await sleep(Math.min(intervalMs, left));
  }
}

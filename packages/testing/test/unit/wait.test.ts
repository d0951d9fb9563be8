import { waitFor, WaitTimeoutError } from "../../src/wait";

describe("waitFor", () => {
  it("resolves as soon as the check is true", async () => {
    let calls = 0;
    await waitFor(async () => ++calls === 3, { intervalMs: 5 });
    expect(calls).toBe(3);
  });

  it("counts a throwing check as not yet", async () => {
    let calls = 0;
    await waitFor(
      async () => {
        calls += 1;
        if (calls < 3) throw new Error("connection refused");
        return true;
      },
      { intervalMs: 5 },
    );
    expect(calls).toBe(3);
  });

  // The clock is jest's: what these assert about the deadline cannot depend on the machine's load.
  describe("against the deadline", () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it("times out naming what it waited for and the last error, not before the deadline", async () => {
      const started = Date.now();
      let settledAt: number | undefined;
      const failure = waitFor(
        async () => {
          throw new Error("ECONNREFUSED");
        },
        { timeoutMs: 150, intervalMs: 20, what: "sales to be serving" },
      ).finally(() => {
        settledAt = Date.now();
      });
      const rejected = expect(failure).rejects.toThrow(/timed out after 150 ms \(9 checks\) waiting for sales to be serving; last error: ECONNREFUSED/);
      await jest.advanceTimersByTimeAsync(149);
      expect(settledAt).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      await rejected;
      await expect(failure).rejects.toThrow(WaitTimeoutError);
      expect(settledAt! - started).toBe(150);
    });

    it("checks one last time at the deadline", async () => {
      let calls = 0;
      const failure = waitFor(async () => ++calls < 0, { timeoutMs: 50, intervalMs: 1000 });
      const rejected = expect(failure).rejects.toThrow(/2 checks/);
      await jest.advanceTimersByTimeAsync(50);
      await rejected;
    });
  });
});

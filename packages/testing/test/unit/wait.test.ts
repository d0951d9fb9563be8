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

  it("times out naming what it waited for and the last error", async () => {
    const started = Date.now();
    const failure = waitFor(
      async () => {
        throw new Error("ECONNREFUSED");
      },
      { timeoutMs: 150, intervalMs: 20, what: "sales to be serving" },
    );
    await expect(failure).rejects.toThrow(WaitTimeoutError);
    await expect(failure).rejects.toThrow(/timed out after 150 ms .*waiting for sales to be serving; last error: ECONNREFUSED/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("checks one last time at the deadline", async () => {
    let calls = 0;
    await expect(waitFor(async () => ++calls < 0, { timeoutMs: 50, intervalMs: 1000 })).rejects.toThrow(/2 checks/);
  });
});

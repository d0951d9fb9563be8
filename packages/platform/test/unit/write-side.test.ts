import { createLogger } from "../../src/logger";
import { startRecycleBinPurge } from "../../src/store/write-side";

describe("startRecycleBinPurge", () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it("purges every bin at once and again each interval; a bin that fails does not keep the others from their purge", async () => {
    const purged: string[] = [];
    const bin = (name: string, fail = false) => ({
      purgeDeleted: () => {
        purged.push(name);
        return fail ? Promise.reject(new Error("database down")) : Promise.resolve(1);
      },
    });
    const stop = startRecycleBinPurge({ campaigns: bin("campaigns", true), segments: bin("segments") }, 1_000, createLogger("test", "silent"));
    await Promise.resolve();
    expect(purged).toEqual(["campaigns", "segments"]);

    jest.advanceTimersByTime(1_000);
    expect(purged).toEqual(["campaigns", "segments", "campaigns", "segments"]);

    stop();
    jest.advanceTimersByTime(5_000);
    expect(purged).toHaveLength(4);
  });
});

import { stableEventId } from "../../src/events/envelope";

describe("stableEventId", () => {
  it("names the same fact alike in every process, and different facts differently", () => {
    const id = stableEventId("t1", "case-1", "resolution", "breach", "2026-01-05T10:00:00.000Z");
    expect(stableEventId("t1", "case-1", "resolution", "breach", "2026-01-05T10:00:00.000Z")).toBe(id);
    expect(stableEventId("t1", "case-1", "resolution", "warning", "2026-01-05T10:00:00.000Z")).not.toBe(id);
    // Parts are kept apart: moving a boundary changes the id.
    expect(stableEventId("ab", "c")).not.toBe(stableEventId("a", "bc"));
  });

  it("is shaped as an RFC 9562 UUID (version 8)", () => {
    expect(stableEventId("x")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

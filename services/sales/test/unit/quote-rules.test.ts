import { StateConflict } from "@relata/platform";
import { assertAction, editMode, expiryInstant, nextDay, orderIdOf, orderNumber, quoteNumber } from "../../src/domain/quote";

const line = { id: "l1" } as never;

describe("quote revisions and actions", () => {
  it("edits a draft in place and makes the next revision of a sent or expired quote", () => {
    expect(editMode("draft")).toBe("in-place");
    expect(editMode("sent")).toBe("new-revision");
    expect(editMode("expired")).toBe("new-revision");
    expect(() => editMode("accepted")).toThrow(StateConflict);
    expect(() => editMode("rejected")).toThrow("a decided quote cannot change");
  });

  it("sends a draft with lines, accepts or rejects a sent quote before it expires", () => {
    const now = new Date("2026-06-01T12:00:00Z");
    const later = new Date("2026-06-02T00:00:00Z");
    expect(() => assertAction({ status: "draft", lines: [line] }, "send", later, now)).not.toThrow();
    expect(() => assertAction({ status: "draft", lines: [] }, "send", later, now)).toThrow("lines:");
    expect(() => assertAction({ status: "sent", lines: [line] }, "send", later, now)).toThrow("only a draft quote can be sent");
    expect(() => assertAction({ status: "draft", lines: [line] }, "accept", later, now)).toThrow("only a sent quote can be accepted");
    expect(() => assertAction({ status: "sent", lines: [line] }, "accept", later, now)).not.toThrow();
    expect(() => assertAction({ status: "sent", lines: [line] }, "reject", later, now)).not.toThrow();
    // At the expiry instant the quote can no longer be accepted, even before the schedule marks it.
    expect(() => assertAction({ status: "sent", lines: [line] }, "accept", now, now)).toThrow("valid_until:");
    expect(() => assertAction({ status: "expired", lines: [line] }, "accept", undefined, now)).toThrow("valid_until:");
    expect(() => assertAction({ status: "draft", lines: [line] }, "send", now, now)).toThrow("valid_until:");
  });

  it("numbers quotes and orders and derives the order id from the quote", () => {
    expect(quoteNumber(1)).toBe("Q-000001");
    expect(orderNumber(1234567)).toBe("O-1234567");
    expect(orderIdOf("abc")).toBe("order-abc");
  });
});

describe("expiry instant: the start of the day after valid_until in its zone", () => {
  const at = (d: string, z?: string) => expiryInstant(d, z).toISOString();
  it("in UTC and across a year end", () => {
    expect(at("2026-03-31")).toBe("2026-04-01T00:00:00.000Z");
    expect(at("2026-12-31", "UTC")).toBe("2027-01-01T00:00:00.000Z");
    expect(nextDay("2028-02-28")).toBe("2028-02-29");
    // Years before 1000 keep four digits (a date parses only so).
    expect(at("0603-05-14")).toBe("0603-05-15T00:00:00.000Z");
  });
  it("in Warsaw, winter, summer and around the spring change", () => {
    expect(at("2026-01-15", "Europe/Warsaw")).toBe("2026-01-15T23:00:00.000Z");
    expect(at("2026-07-15", "Europe/Warsaw")).toBe("2026-07-15T22:00:00.000Z");
    // Clocks go forward on 2026-03-29 at 02:00: its midnight is still CET, the next day's CEST.
    expect(at("2026-03-28", "Europe/Warsaw")).toBe("2026-03-28T23:00:00.000Z");
    expect(at("2026-03-29", "Europe/Warsaw")).toBe("2026-03-29T22:00:00.000Z");
    // Autumn: 2026-10-25 has 25 hours; the next midnight is CET again.
    expect(at("2026-10-25", "Europe/Warsaw")).toBe("2026-10-25T23:00:00.000Z");
  });
  it("at the edges of the offsets, and with quarter-hour offsets", () => {
    expect(at("2026-06-01", "Pacific/Kiritimati")).toBe("2026-06-01T10:00:00.000Z");
    expect(at("2026-06-01", "Pacific/Pago_Pago")).toBe("2026-06-02T11:00:00.000Z");
    expect(at("2026-06-01", "Asia/Kathmandu")).toBe("2026-06-01T18:15:00.000Z");
  });
  it("where a clock change skips midnight (Santiago's spring: 00:00 becomes 01:00)", () => {
    // 2026-09-06 starts at 01:00 -03, the instant 00:00 -04 would have been: 04:00Z.
    expect(at("2026-09-05", "America/Santiago")).toBe("2026-09-06T04:00:00.000Z");
    expect(at("2026-09-06", "America/Santiago")).toBe("2026-09-07T03:00:00.000Z");
  });
});

import { AppError, InvalidArgument, StateConflict } from "@relata/platform";
import { firstResponseAt } from "../../src/domain/comment";
import { assertFeedbackAllowed, checkCsatScore } from "../../src/domain/feedback";
import { resolveParties, type SalesRef } from "../../src/domain/sales-refs";

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected an error");
}

const at = new Date("2026-03-20T10:00:00Z");

describe("first response", () => {
  it("is set by the first public reply only", () => {
    expect(firstResponseAt({}, "public", at)).toEqual(at);
    expect(firstResponseAt({ firstRespondedAt: null }, "public", at)).toEqual(at);
    expect(firstResponseAt({}, "internal", at)).toBeNull();
    expect(firstResponseAt({ firstRespondedAt: new Date("2026-03-19T10:00:00Z") }, "public", at)).toBeNull();
  });
});

describe("feedback", () => {
  it("takes whole scores from 1 to 5 and refuses others naming the field", () => {
    for (const score of [1, 3, 5]) expect(checkCsatScore(score)).toBe(score);
    for (const bad of [0, 6, 2.5, -1, Number.NaN]) {
      const err = errorOf(() => checkCsatScore(bad));
      expect(err).toBeInstanceOf(InvalidArgument);
      expect(err.field).toBe("score");
    }
  });

  it("is given on a resolved or closed case, a 409 on an open one", () => {
    expect(() => assertFeedbackAllowed("resolved")).not.toThrow();
    expect(() => assertFeedbackAllowed("closed")).not.toThrow();
    for (const open of ["new", "in_progress", "waiting_on_customer"]) {
      const err = errorOf(() => assertFeedbackAllowed(open));
      expect(err).toBeInstanceOf(StateConflict);
      expect(err.message).toBe(`feedback is given on a resolved or closed case; this case is ${open}`);
    }
  });
});

describe("a case's account and contact", () => {
  const account: SalesRef = { id: "acc-1", accountId: "", deleted: false };
  const contact: SalesRef = { id: "con-1", accountId: "acc-1", deleted: false };
  const strayContact: SalesRef = { id: "con-2", accountId: "acc-2", deleted: false };

  it("keeps an account and a contact of that account; takes the contact's account when only a contact is named", () => {
    expect(resolveParties({ accountId: "acc-1", contactId: "con-1" }, account, contact)).toEqual({ accountId: "acc-1", contactId: "con-1" });
    expect(resolveParties({ accountId: "", contactId: "con-1" }, null, contact)).toEqual({ accountId: "acc-1", contactId: "con-1" });
    expect(resolveParties({ accountId: "acc-1", contactId: "" }, account, null)).toEqual({ accountId: "acc-1", contactId: "" });
    expect(resolveParties({ accountId: "", contactId: "" }, null, null)).toEqual({ accountId: "", contactId: "" });
  });

  it("refuses a missing or deleted account or contact, naming the field", () => {
    expect(errorOf(() => resolveParties({ accountId: "acc-9", contactId: "" }, null, null)).field).toBe("account_id");
    expect(errorOf(() => resolveParties({ accountId: "acc-1", contactId: "" }, { ...account, deleted: true }, null)).field).toBe("account_id");
    expect(errorOf(() => resolveParties({ accountId: "acc-1", contactId: "con-9" }, account, null)).field).toBe("contact_id");
    expect(errorOf(() => resolveParties({ accountId: "", contactId: "con-1" }, null, { ...contact, deleted: true })).field).toBe("contact_id");
  });

  it("refuses a contact of another account", () => {
    const err = errorOf(() => resolveParties({ accountId: "acc-1", contactId: "con-2" }, account, strayContact));
    expect(err).toBeInstanceOf(InvalidArgument);
    expect(err).toMatchObject({ field: "contact_id", message: "contact_id: contact con-2 does not belong to account acc-1" });
  });
});

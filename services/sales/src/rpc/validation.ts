import { stringValue } from "@relata/platform";
import { z } from "zod";
import { moneyProblem } from "../domain/money";

/**
 * Sales' own field rules; the generic ones (text, ids, email, dates, versions, proto enums)
 * and `validate` are the kit's.
 */

/** Activity notes: longer than the kit's default text. */
export const MAX_NOTES = 10_000;

/** A Money message: a decimal string amount and an ISO 4217 currency. An all-empty one is absent. */
export const money = () =>
  z.preprocess(
    (v) => (v && typeof v === "object" && !(v as { amount?: string }).amount && !(v as { currency?: string }).currency ? undefined : v),
    z
      .object({ amount: stringValue().trim(), currency: stringValue().trim() })
      .superRefine((m, ctx) => {
        const problem = moneyProblem(m);
        if (problem) ctx.addIssue({ code: "custom", path: [problem.field], message: problem.message });
      })
      .optional(),
  );

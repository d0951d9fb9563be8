import { stringValue } from "@relata/platform";
import { z } from "zod";
import { moneyProblem } from "../domain/money";

/**
 * Checks of Sales' custom verbs that the kit does not have. The CRUD requests are checked by
 * the descriptions (resources.ts); the generic field checks (text, ids, dates, versions, proto
 * enums) are the kit's.
 */

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

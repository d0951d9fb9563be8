import { InvalidArgument } from "@relata/platform";
import type { ActivityRecord, ConversionPlan, LeadStatus, RecordType } from "./types";

export type ActivityEvent = "updated" | "completed";

/**
 * What marking an activity completed (true) or open again (false) does: completing stamps
 * `completedAt` and is reported as `completed`; reopening clears it and is an update.
 */
export function decideCompletion(
  activity: Pick<ActivityRecord, "completedAt">,
  completed: boolean | undefined,
  now: Date,
): { completedAt?: Date | null; event: ActivityEvent } {
  if (completed === undefined) return { event: "updated" };
  if (completed && !activity.completedAt) return { completedAt: now, event: "completed" };
  if (!completed && activity.completedAt) return { completedAt: null, event: "updated" };
  return { event: "updated" };
}

/** Records an activity may be linked to: anything but another activity. */
export function assertLinkable(type: RecordType): void {
  if (type === "sales.activity") throw new InvalidArgument("related_to.type", "related_to.type: an activity cannot be linked to another activity");
}

/** What the account resolution needs to know about the record an activity is linked to. */
export type LinkedRecord =
  | { type: "account"; id: string }
  | { type: "contact"; accountId: string }
  | { type: "opportunity"; accountId: string }
  | { type: "lead"; status: LeadStatus; conversion?: Pick<ConversionPlan, "accountId" | "convertedAt"> };

/**
 * The account whose timeline an activity belongs to: an account is its own; a contact's or an
 * opportunity's is the account it belongs to; a lead has one only once converted.
 */
export function accountForTimeline(record: LinkedRecord): string {
  switch (record.type) {
    case "account":
      return record.id;
    case "contact":
    case "opportunity":
      return record.accountId;
    case "lead":
      return record.status === "converted" && record.conversion ? record.conversion.accountId : "";
  }
}

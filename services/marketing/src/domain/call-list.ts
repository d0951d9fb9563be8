import { status as GrpcStatus } from "@grpc/grpc-js";
import { AppError, InvalidArgument, StateConflict, type Identity } from "@relata/platform";
import { MARKETERS } from "../roles";
import type { CampaignRecord } from "./types";

/** At most this many reps share one distribution. */
export const MAX_REPS = 200;

/**
 * The round robin: the member at place `ordinal` among the campaign's phone members (person id
 * order, fixed at launch) goes to rep `ordinal mod reps`. Every distribution with the same reps
 * computes the same rep for a member, so concurrent ones agree, and the unique call `_id` makes
 * the first insert the only one.
 */
export const repFor = (reps: readonly string[], ordinal: number): string => reps[ordinal % reps.length]!;

/** A call list is for a running campaign that calls people. */
export function assertCallable(c: Pick<CampaignRecord, "_id" | "status" | "channels">): void {
  if (!c.channels.includes("phone")) throw new StateConflict(`campaign ${c._id} has no phone channel: it has no call list`, "channels");
  if (c.status !== "running") throw new StateConflict(`campaign ${c._id} is ${c.status}: a call list is worked while it is running`, "status");
}

export function assertReps(reps: readonly string[]): void {
  if (reps.length === 0) throw new InvalidArgument("reps", "name at least one rep");
  if (reps.length > MAX_REPS) throw new InvalidArgument("reps", `at most ${MAX_REPS} reps`);
  const twice = reps.findIndex((r, i) => reps.indexOf(r) !== i);
  if (twice >= 0) throw new InvalidArgument(`reps.${twice}`, "is listed twice");
}

/** Marketers see and log every call of a list; anyone else (a rep) only their own. */
export const seesEveryCall = (identity: Pick<Identity, "roles">) => identity.roles.some((r) => (MARKETERS as readonly string[]).includes(r));

export function assertOwnCall(identity: Pick<Identity, "roles" | "subject">, assigneeId: string): void {
  if (!seesEveryCall(identity) && identity.subject !== assigneeId) throw new AppError(GrpcStatus.PERMISSION_DENIED, "a rep reads and logs only the calls given to them", "assignee_id");
}

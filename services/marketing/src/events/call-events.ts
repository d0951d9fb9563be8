import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { CallLogged } from "@relata/proto/events/v1/marketing";
import type { CallAttemptRecord } from "../domain/types";
import { SUBJECTS } from "./stream";

/** `marketing.call.logged`, enqueued in the attempt's own document; its id is the attempt's. */
export function callLoggedEvent(a: CallAttemptRecord, attempt: number, actor: Actor): PendingEvent {
  return buildEvent(SUBJECTS.callLogged, a.callId, actor, a.at, (meta) =>
    CallLogged.encode({
      meta,
      campaignId: a.campaignId,
      personId: a.personId,
      assigneeId: a.assigneeId,
      loggedBy: a.loggedBy,
      outcome: a.outcome,
      note: a.note,
      callbackAt: a.callbackAt?.toISOString(),
      attempt,
    }).finish(),
  );
}

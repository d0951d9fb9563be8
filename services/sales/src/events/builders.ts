import { buildEvent, type Actor, type EventMeta, type PendingEvent } from "@relata/platform";
import {
  AccountChanged,
  ActivityChanged,
  ContactChanged,
  LeadChanged,
  LeadConverted,
  OpportunityChanged,
  OpportunityStageChanged,
} from "@relata/proto/events/v1/sales";
import { toAccount, toActivity, toContact, toLead, toOpportunity } from "../codec/mappers";
import type { AccountRecord, ActivityRecord, ContactRecord, LeadRecord, OpportunityRecord } from "../domain/types";
import { SUBJECTS, type SalesSubject } from "./stream";

/**
 * Builders of the pending events a write enqueues in its own document, in the kit's envelope;
 * the payload is the record's snapshot after the change (never the outbox fields).
 */
function build(subject: SalesSubject, entityId: string, actor: Actor, at: Date, encode: (meta: EventMeta) => Uint8Array): PendingEvent {
  return buildEvent(subject, entityId, actor, at, encode);
}

/** The changes every resource reports: made, changed, moved to the recycle bin, brought back. */
export type RecordChangeKind = "created" | "updated" | "deleted" | "restored";

const ACCOUNT_SUBJECTS: Record<RecordChangeKind, SalesSubject> = {
  created: SUBJECTS.accountCreated,
  updated: SUBJECTS.accountUpdated,
  deleted: SUBJECTS.accountDeleted,
  restored: SUBJECTS.accountRestored,
};

export function accountEvent(kind: RecordChangeKind, r: AccountRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return build(ACCOUNT_SUBJECTS[kind], r._id, actor, at, (meta) => AccountChanged.encode({ meta, account: toAccount(r) }).finish());
}

const CONTACT_SUBJECTS: Record<RecordChangeKind, SalesSubject> = {
  created: SUBJECTS.contactCreated,
  updated: SUBJECTS.contactUpdated,
  deleted: SUBJECTS.contactDeleted,
  restored: SUBJECTS.contactRestored,
};

export function contactEvent(kind: RecordChangeKind, r: ContactRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return build(CONTACT_SUBJECTS[kind], r._id, actor, at, (meta) => ContactChanged.encode({ meta, contact: toContact(r) }).finish());
}

export type LeadChangeKind = RecordChangeKind | "qualified" | "disqualified" | "assigned";

const LEAD_SUBJECTS: Record<LeadChangeKind, SalesSubject> = {
  created: SUBJECTS.leadCreated,
  updated: SUBJECTS.leadUpdated,
  qualified: SUBJECTS.leadQualified,
  disqualified: SUBJECTS.leadDisqualified,
  assigned: SUBJECTS.leadAssigned,
  deleted: SUBJECTS.leadDeleted,
  restored: SUBJECTS.leadRestored,
};

export function leadEvent(kind: LeadChangeKind, r: LeadRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return build(LEAD_SUBJECTS[kind], r._id, actor, at, (meta) => LeadChanged.encode({ meta, lead: toLead(r) }).finish());
}

export function leadConvertedEvent(r: LeadRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  const c = r.conversion;
  if (!c) throw new Error("a converted lead carries its conversion");
  return build(SUBJECTS.leadConverted, r._id, actor, at, (meta) =>
    LeadConverted.encode({ meta, lead: toLead(r), accountId: c.accountId, contactId: c.contactId, opportunityId: c.opportunityId }).finish(),
  );
}

const OPPORTUNITY_SUBJECTS: Record<RecordChangeKind, SalesSubject> = {
  created: SUBJECTS.opportunityCreated,
  updated: SUBJECTS.opportunityUpdated,
  deleted: SUBJECTS.opportunityDeleted,
  restored: SUBJECTS.opportunityRestored,
};

export function opportunityEvent(kind: RecordChangeKind, r: OpportunityRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return build(OPPORTUNITY_SUBJECTS[kind], r._id, actor, at, (meta) => OpportunityChanged.encode({ meta, opportunity: toOpportunity(r) }).finish());
}

const STAGE_SUBJECTS = {
  stage_changed: SUBJECTS.opportunityStageChanged,
  won: SUBJECTS.opportunityWon,
  lost: SUBJECTS.opportunityLost,
} as const;

export function opportunityStageEvent(
  kind: keyof typeof STAGE_SUBJECTS,
  r: OpportunityRecord,
  fromStageId: string,
  actor: Actor,
  at = r.updatedAt,
): PendingEvent {
  return build(STAGE_SUBJECTS[kind], r._id, actor, at, (meta) =>
    OpportunityStageChanged.encode({ meta, opportunity: toOpportunity(r), fromStageId, toStageId: r.stageId }).finish(),
  );
}

const ACTIVITY_SUBJECTS = {
  logged: SUBJECTS.activityLogged,
  updated: SUBJECTS.activityUpdated,
  completed: SUBJECTS.activityCompleted,
  deleted: SUBJECTS.activityDeleted,
  restored: SUBJECTS.activityRestored,
} as const;

export function activityEvent(kind: keyof typeof ACTIVITY_SUBJECTS, r: ActivityRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return build(ACTIVITY_SUBJECTS[kind], r._id, actor, at, (meta) => ActivityChanged.encode({ meta, activity: toActivity(r) }).finish());
}

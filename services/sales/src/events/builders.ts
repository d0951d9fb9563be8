import { buildEvent, type Actor, type PendingEvent } from "@relata/platform";
import { eventSubjects, type ResourceEvent } from "@relata/platform/resource";
import {
  AccountChanged,
  ActivityChanged,
  CompetitorChanged,
  ContactChanged,
  LeadChanged,
  LeadConverted,
  OpportunityChanged,
  OpportunityStageChanged,
  TerritoryChanged,
} from "@relata/proto/events/v1/sales";
import { toAccount, toActivity, toContact, toLead, toOpportunity, toTerritory } from "../codec/mappers";
import type { AccountRecord, ActivityRecord, ContactRecord, LeadRecord, OpportunityRecord, TerritoryRecord } from "../domain/types";
import { toCompetitor } from "../codec/competitor";
import type { CompetitorRecord } from "../domain/competitor";
import { competitor, territory } from "../resources";
import { RESOURCE_SUBJECTS, SUBJECTS } from "./stream";

/**
 * Builders of the pending events a write enqueues in its own document, in the kit's envelope;
 * the payload is the record's snapshot after the change (never the outbox fields).
 */

/** The changes every resource reports: made, changed, moved to the recycle bin, brought back. */
export type RecordChangeKind = ResourceEvent;

export function accountEvent(kind: RecordChangeKind, r: AccountRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.account[kind], r._id, actor, at, (meta) => AccountChanged.encode({ meta, account: toAccount(r) }).finish());
}

export function contactEvent(kind: RecordChangeKind, r: ContactRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.contact[kind], r._id, actor, at, (meta) => ContactChanged.encode({ meta, contact: toContact(r) }).finish());
}

const LEAD_SUBJECTS = {
  ...RESOURCE_SUBJECTS.lead,
  qualified: SUBJECTS.leadQualified,
  disqualified: SUBJECTS.leadDisqualified,
  assigned: SUBJECTS.leadAssigned,
};

export type LeadChangeKind = keyof typeof LEAD_SUBJECTS;

export function leadEvent(kind: LeadChangeKind, r: LeadRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(LEAD_SUBJECTS[kind], r._id, actor, at, (meta) => LeadChanged.encode({ meta, lead: toLead(r) }).finish());
}

export function leadConvertedEvent(r: LeadRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  const c = r.conversion;
  if (!c) throw new Error("a converted lead carries its conversion");
  return buildEvent(SUBJECTS.leadConverted, r._id, actor, at, (meta) =>
    LeadConverted.encode({ meta, lead: toLead(r), accountId: c.accountId, contactId: c.contactId, opportunityId: c.opportunityId }).finish(),
  );
}

export function opportunityEvent(kind: RecordChangeKind, r: OpportunityRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(RESOURCE_SUBJECTS.opportunity[kind], r._id, actor, at, (meta) =>
    OpportunityChanged.encode({ meta, opportunity: toOpportunity(r) }).finish(),
  );
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
  return buildEvent(STAGE_SUBJECTS[kind], r._id, actor, at, (meta) =>
    OpportunityStageChanged.encode({ meta, opportunity: toOpportunity(r), fromStageId, toStageId: r.stageId }).finish(),
  );
}

/** An activity's create is reported as "logged", and its completion on its own subject. */
const ACTIVITY_SUBJECTS = {
  logged: SUBJECTS.activityLogged,
  updated: RESOURCE_SUBJECTS.activity.updated,
  completed: SUBJECTS.activityCompleted,
  deleted: RESOURCE_SUBJECTS.activity.deleted,
  restored: RESOURCE_SUBJECTS.activity.restored,
};

export function activityEvent(kind: keyof typeof ACTIVITY_SUBJECTS, r: ActivityRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(ACTIVITY_SUBJECTS[kind], r._id, actor, at, (meta) => ActivityChanged.encode({ meta, activity: toActivity(r) }).finish());
}

const COMPETITOR_SUBJECTS = eventSubjects(competitor);

export function competitorEvent(kind: RecordChangeKind, r: CompetitorRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(COMPETITOR_SUBJECTS[kind], r._id, actor, at, (meta) => CompetitorChanged.encode({ meta, competitor: toCompetitor(r) }).finish());
}

/** A territory's changes: the generic ones and the replacement of its rules (which re-places records). */
const TERRITORY_SUBJECTS = { ...eventSubjects(territory), rules_replaced: "sales.territory.rules_replaced" } as const;

export type TerritoryChangeKind = keyof typeof TERRITORY_SUBJECTS;

export function territoryEvent(kind: TerritoryChangeKind, r: TerritoryRecord, actor: Actor, at = r.updatedAt): PendingEvent {
  return buildEvent(TERRITORY_SUBJECTS[kind], r._id, actor, at, (meta) => TerritoryChanged.encode({ meta, territory: toTerritory(r) }).finish());
}

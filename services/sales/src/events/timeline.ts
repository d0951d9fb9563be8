import type { ConsumerLoop, EventBus, Logger } from "@relata/platform";
import type { EventMeta } from "@relata/proto/events/v1/meta";
import {
  AccountChanged,
  ActivityChanged,
  ContactChanged,
  LeadChanged,
  LeadConverted,
  OpportunityChanged,
  OpportunityStageChanged,
} from "@relata/proto/events/v1/sales";
import { CaseChanged, CaseCsatGiven } from "@relata/proto/events/v1/service";
import type { Model } from "mongoose";
import { activityType as activityTypeCodec } from "../resources";
import { fullName, type RecordType, type TimelineEntryRecord, type TimelineRecordRef } from "../domain/types";
import { RESOURCE_SUBJECTS, SALES_STREAM, SUBJECTS } from "./stream";

/** The durable consumer that builds the account timelines from the SALES stream. */
export const TIMELINE_DURABLE = "sales-timeline";

/** The Service's stream, whose case events (those about an account) the timeline shows too. */
export const SERVICE_STREAM_NAME = "SERVICE";

/** The Service's case events a timeline shows, and what each says (its payload starts as a CaseChanged). */
export const SERVICE_CASE_SUBJECTS = {
  "service.case.opened": "opened",
  "service.case.resolved": "resolved",
  "service.case.closed": "closed",
  "service.case.reopened": "reopened",
  "service.case.public_reply_added": "public reply",
  "service.case.csat_given": "csat",
} as const;

/** The durable of the timeline's consumer of the SERVICE stream: the SALES one's name with "-service". */
export const serviceTimelineDurable = (durable: string) => `${durable}-service`;

/** A decoded Sales event: its meta, and what the timeline needs from its payload. */
export interface TimelineFacts {
  meta: EventMeta | undefined;
  accountId: string;
  record: TimelineRecordRef;
  summary: string;
  /**
   * Set for a record's delete or restore: the event makes no entry, it hides (deleted) or
   * shows again (restored) the record's entries; `version` is the record's after the change.
   */
  visibility?: { deleted: boolean; version: number };
}

const quoted = (s: string) => `"${s}"`;

/** The records whose entries a delete hides: those that appear on an account's timeline. */
const VISIBILITY_SUBJECTS: Record<string, { type: RecordType; deleted: boolean }> = {
  [RESOURCE_SUBJECTS.contact.deleted]: { type: "sales.contact", deleted: true },
  [RESOURCE_SUBJECTS.contact.restored]: { type: "sales.contact", deleted: false },
  [RESOURCE_SUBJECTS.opportunity.deleted]: { type: "sales.opportunity", deleted: true },
  [RESOURCE_SUBJECTS.opportunity.restored]: { type: "sales.opportunity", deleted: false },
  [RESOURCE_SUBJECTS.activity.deleted]: { type: "sales.activity", deleted: true },
  [RESOURCE_SUBJECTS.activity.restored]: { type: "sales.activity", deleted: false },
};

function visibilityFacts(subject: string, data: Uint8Array): TimelineFacts | null {
  const change = VISIBILITY_SUBJECTS[subject]!;
  let meta: EventMeta | undefined;
  let record: { id: string; accountId: string; version: string } | undefined;
  if (change.type === "sales.contact") ({ meta, contact: record } = ContactChanged.decode(data));
  else if (change.type === "sales.opportunity") ({ meta, opportunity: record } = OpportunityChanged.decode(data));
  else ({ meta, activity: record } = ActivityChanged.decode(data));
  if (!record) return null;
  return {
    meta,
    accountId: record.accountId,
    record: { type: change.type, id: record.id },
    summary: "",
    visibility: { deleted: change.deleted, version: Number(record.version) },
  };
}

/**
 * What an event means for an account's timeline: the account it concerns (empty when none),
 * the record it is about and one line saying what happened. Undecodable data throws (the
 * consumer sets the message aside); a subject the timeline does not know gives null.
 */
export function timelineFacts(subject: string, data: Uint8Array): TimelineFacts | null {
  const verb = subject.split(".").pop() ?? "";
  if (subject in VISIBILITY_SUBJECTS) return visibilityFacts(subject, data);
  if (subject in SERVICE_CASE_SUBJECTS) return caseFacts(subject as keyof typeof SERVICE_CASE_SUBJECTS, data);
  switch (subject) {
    case RESOURCE_SUBJECTS.account.created:
    case RESOURCE_SUBJECTS.account.updated: {
      const e = AccountChanged.decode(data);
      const a = e.account;
      return a ? { meta: e.meta, accountId: a.id, record: { type: "sales.account", id: a.id }, summary: `Account ${quoted(a.name)} ${verb}` } : null;
    }
    case RESOURCE_SUBJECTS.contact.created:
    case RESOURCE_SUBJECTS.contact.updated: {
      const e = ContactChanged.decode(data);
      const c = e.contact;
      return c
        ? {
            meta: e.meta,
            accountId: c.accountId,
            record: { type: "sales.contact", id: c.id },
            summary: `Contact ${fullName(c)} ${verb === "created" ? "added" : "updated"}`,
          }
        : null;
    }
    case SUBJECTS.leadConverted: {
      const e = LeadConverted.decode(data);
      const l = e.lead;
      const who = l ? fullName(l) + (l.company ? ` (${l.company})` : "") : "";
      return { meta: e.meta, accountId: e.accountId, record: { type: "sales.lead", id: l?.id ?? e.meta?.entityId ?? "" }, summary: `Lead ${who} converted` };
    }
    case RESOURCE_SUBJECTS.lead.created:
    case RESOURCE_SUBJECTS.lead.updated:
    case SUBJECTS.leadQualified:
    case SUBJECTS.leadDisqualified:
    case SUBJECTS.leadAssigned: {
      // A lead belongs to no account until it is converted.
      const e = LeadChanged.decode(data);
      return { meta: e.meta, accountId: "", record: { type: "sales.lead", id: e.lead?.id ?? "" }, summary: "" };
    }
    case RESOURCE_SUBJECTS.opportunity.created:
    case RESOURCE_SUBJECTS.opportunity.updated: {
      const e = OpportunityChanged.decode(data);
      const o = e.opportunity;
      if (!o) return null;
      const summary = verb === "created" ? `Opportunity ${quoted(o.name)} opened in stage ${o.stageId}` : `Opportunity ${quoted(o.name)} updated`;
      return { meta: e.meta, accountId: o.accountId, record: { type: "sales.opportunity", id: o.id }, summary };
    }
    case SUBJECTS.opportunityStageChanged:
    case SUBJECTS.opportunityWon:
    case SUBJECTS.opportunityLost: {
      const e = OpportunityStageChanged.decode(data);
      const o = e.opportunity;
      if (!o) return null;
      const summary =
        verb === "won"
          ? `Opportunity ${quoted(o.name)} won`
          : verb === "lost"
            ? `Opportunity ${quoted(o.name)} lost: ${o.closeReason}`
            : `Opportunity ${quoted(o.name)} moved from ${e.fromStageId} to ${e.toStageId}`;
      return { meta: e.meta, accountId: o.accountId, record: { type: "sales.opportunity", id: o.id }, summary };
    }
    case SUBJECTS.activityLogged:
    case RESOURCE_SUBJECTS.activity.updated:
    case SUBJECTS.activityCompleted: {
      const e = ActivityChanged.decode(data);
      const a = e.activity;
      if (!a) return null;
      const type = activityTypeCodec.fromProto(a.type) ?? "activity";
      const label = type.charAt(0).toUpperCase() + type.slice(1);
      return { meta: e.meta, accountId: a.accountId, record: { type: "sales.activity", id: a.id }, summary: `${label} ${verb}: ${a.subject}` };
    }
    default:
      return null;
  }
}

/**
 * A Service case event about an account: the case is the record, the line names its number.
 * A case on no account makes no entry (accountId "").
 */
function caseFacts(subject: keyof typeof SERVICE_CASE_SUBJECTS, data: Uint8Array): TimelineFacts | null {
  const { meta, case: c } = CaseChanged.decode(data);
  if (!c) return null;
  const name = `Case ${c.number || c.id}`;
  const what = SERVICE_CASE_SUBJECTS[subject];
  let summary: string;
  if (what === "opened") summary = `${name} opened: ${quoted(c.subject)}`;
  else if (what === "resolved") summary = `${name} resolved${c.resolution ? `: ${c.resolution}` : ""}`;
  else if (what === "public reply") summary = `Public reply on case ${c.number || c.id}`;
  else if (what === "csat") summary = `${name} rated ${CaseCsatGiven.decode(data).feedback?.score ?? "?"}/5 by the customer`;
  else summary = `${name} ${what}`;
  return { meta, accountId: c.accountId, record: { type: "service.case", id: c.id }, summary };
}

/** The timeline entry an event makes, or null when it concerns no account. */
export function timelineEntryFor(subject: string, facts: TimelineFacts | null): TimelineEntryRecord | null {
  const meta = facts?.meta;
  if (!facts || facts.visibility || !meta || !meta.id || !meta.tenantId || !facts.accountId) return null;
  return {
    _id: meta.id,
    tenantId: meta.tenantId,
    accountId: facts.accountId,
    kind: meta.type || subject,
    summary: facts.summary.slice(0, 500),
    record: facts.record,
    actorId: meta.actorId,
    occurredAt: meta.occurredAt ? new Date(meta.occurredAt) : new Date(),
  };
}

/**
 * Writes one timeline entry per event, keyed by the event id: a redelivered or republished
 * event finds its entry there and writes nothing twice. The tenant is the event's own.
 */
export async function recordTimelineEntry(model: Model<TimelineEntryRecord>, entry: TimelineEntryRecord): Promise<boolean> {
  const { _id, tenantId, ...rest } = entry;
  const result = await model.updateOne({ _id, tenantId }, { $setOnInsert: rest }, { upsert: true });
  return result.upsertedCount === 1;
}

/**
 * Hides (a delete) or shows again (a restore) every entry about a record, whatever account it
 * is on: hidden entries carry the delete's time as `deletedAt`, so the timeline's reads leave
 * them out and the purge removes them with the record. Only entries last set by an older
 * version of the record change: the same event again, or an older one redelivered after a
 * newer one, changes nothing.
 */
export async function applyRecordVisibility(model: Model<TimelineEntryRecord>, facts: TimelineFacts): Promise<number> {
  const { meta, visibility, record } = facts;
  if (!visibility || !meta?.tenantId || !record.id) return 0;
  const filter = {
    tenantId: meta.tenantId,
    "record.type": record.type,
    "record.id": record.id,
    $or: [{ visibilityVersion: { $exists: false } }, { visibilityVersion: { $lt: visibility.version } }],
  };
  const at = meta.occurredAt ? new Date(meta.occurredAt) : new Date();
  const update = visibility.deleted
    ? { $set: { deletedAt: at, visibilityVersion: visibility.version } }
    : { $set: { visibilityVersion: visibility.version }, $unset: { deletedAt: 1 } };
  const result = await model.updateMany(filter, update);
  return result.modifiedCount;
}

/** The timeline's consumers: Sales' own events, and the Service's case events. */
export interface TimelineConsumers {
  sales: ConsumerLoop<TimelineFacts | null>;
  service: ConsumerLoop<TimelineFacts | null>;
  stop(): Promise<void>;
}

export async function startTimelineConsumer(
  bus: EventBus,
  model: Model<TimelineEntryRecord>,
  logger: Logger,
  durable = TIMELINE_DURABLE,
): Promise<TimelineConsumers> {
  const handle = async ({ subject, event }: { subject: string; event: TimelineFacts | null }) => {
    if (event?.visibility) {
      const changed = await applyRecordVisibility(model, event);
      logger.debug({ subject, record: event.record.id, changed }, "timeline entries of a deleted or restored record");
      return;
    }
    const entry = timelineEntryFor(subject, event);
    if (!entry) return;
    const created = await recordTimelineEntry(model, entry);
    if (!created) logger.debug({ event: entry._id, subject }, "timeline entry already recorded");
  };
  const decode = (data: Uint8Array, subject: string) => timelineFacts(subject, data);
  const sales = await bus.consume<TimelineFacts | null>({ stream: SALES_STREAM.name, durable, filterSubjects: ["sales.>"], decode, handle });
  // The Service creates its stream; until it has, this consumer waits for it.
  const service = await bus.consume<TimelineFacts | null>({
    stream: SERVICE_STREAM_NAME,
    durable: serviceTimelineDurable(durable),
    filterSubjects: Object.keys(SERVICE_CASE_SUBJECTS),
    awaitStream: true,
    decode,
    handle,
  });
  return {
    sales,
    service,
    stop: async () => {
      await Promise.all([sales.stop(), service.stop()]);
    },
  };
}

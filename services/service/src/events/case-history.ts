import type { ConsumerLoop, EventBus, Logger } from "@relata/platform";
import type { EventMeta } from "@relata/proto/events/v1/meta";
import { CaseChanged, CaseCsatGiven, CasePublicReplyAdded, ServiceEventEnvelope, SlaAlert, SlaMetric } from "@relata/proto/events/v1/service";
import type { Case } from "@relata/proto/service/v1/case";
import type { Model } from "mongoose";
import { historySummary, type CaseSnapshot, type HistoryEntryRecord } from "../domain/case-history";
import { casePriority, caseStatus } from "../resources";
import { CASE_SUBJECTS } from "./builders";
import { SERVICE_STREAM, SUBJECTS } from "./stream";

/** The durable consumer that builds the case history from the SERVICE stream. */
export const CASE_HISTORY_DURABLE = "service-case-history";

/** Subjects whose payload is a CaseChanged (or starts as one: fields 1 and 2). */
const CASE_SNAPSHOT_SUBJECTS = new Set<string>([...Object.values(CASE_SUBJECTS), SUBJECTS.casePublicReplyAdded, SUBJECTS.caseCsatGiven, SUBJECTS.caseEscalated]);
const SLA_SUBJECTS = new Set<string>([SUBJECTS.slaWarning, SUBJECTS.slaBreached]);

const METRIC_WORDS: Partial<Record<SlaMetric, string>> = {
  [SlaMetric.SLA_METRIC_FIRST_RESPONSE]: "first response",
  [SlaMetric.SLA_METRIC_RESOLUTION]: "resolution",
};

function snapshotOf(c: Case): CaseSnapshot {
  return {
    number: c.number,
    status: caseStatus.fromProto(c.status),
    ownerId: c.ownerId,
    queueId: c.queueId,
    priority: casePriority.fromProto(c.priority),
    resolution: c.resolution,
  };
}

/**
 * The history entry an event makes: any subject about a case (service.case.*, SLA alerts),
 * with the case as the event left it when the payload carries it; null for events about no
 * case. A payload the history does not know is read for its envelope only.
 */
export function historyEntryFor(subject: string, data: Uint8Array): HistoryEntryRecord | null {
  let meta: EventMeta | undefined;
  let caseId = "";
  let snapshot: CaseSnapshot | null = null;
  const extra: { score?: number; metric?: string; comment?: string } = {};
  if (SLA_SUBJECTS.has(subject)) {
    const alert = SlaAlert.decode(data);
    meta = alert.meta;
    caseId = alert.caseId;
    extra.metric = METRIC_WORDS[alert.metric];
  } else if (subject.startsWith("service.case.")) {
    let decoded: CaseChanged | undefined;
    if (CASE_SNAPSHOT_SUBJECTS.has(subject)) {
      try {
        decoded = CaseChanged.decode(data);
      } catch {
        decoded = undefined; // another shape under a known subject: the envelope still tells the case
      }
    }
    meta = decoded?.meta ?? ServiceEventEnvelope.decode(data).meta;
    caseId = decoded?.case?.id || meta?.entityId || "";
    if (decoded?.case) snapshot = snapshotOf(decoded.case);
    if (subject === SUBJECTS.caseCsatGiven) extra.score = CaseCsatGiven.decode(data).feedback?.score;
    if (subject === SUBJECTS.casePublicReplyAdded) extra.comment = CasePublicReplyAdded.decode(data).comment?.body;
  } else {
    return null;
  }
  if (!meta?.id || !meta.tenantId || !caseId) return null;
  return {
    _id: meta.id,
    tenantId: meta.tenantId,
    caseId,
    kind: meta.type || subject,
    summary: historySummary(subject, snapshot, extra).slice(0, 500),
    actorId: meta.actorId,
    occurredAt: meta.occurredAt ? new Date(meta.occurredAt) : new Date(),
    ...(snapshot
      ? { ...(snapshot.status ? { status: snapshot.status } : {}), ownerId: snapshot.ownerId, queueId: snapshot.queueId, ...(snapshot.priority ? { priority: snapshot.priority } : {}) }
      : {}),
  };
}

/** Writes one entry per event, keyed by the event id: a redelivered event writes nothing twice. */
export async function recordHistoryEntry(model: Model<HistoryEntryRecord>, entry: HistoryEntryRecord): Promise<boolean> {
  const { _id, tenantId, ...rest } = entry;
  const result = await model.updateOne({ _id, tenantId }, { $setOnInsert: rest }, { upsert: true });
  return result.upsertedCount === 1;
}

export function startCaseHistoryConsumer(bus: EventBus, model: Model<HistoryEntryRecord>, logger: Logger, durable = CASE_HISTORY_DURABLE): Promise<ConsumerLoop<HistoryEntryRecord | null>> {
  return bus.consume<HistoryEntryRecord | null>({
    stream: SERVICE_STREAM.name,
    durable,
    filterSubjects: ["service.case.>", "service.sla.>"],
    decode: (data, subject) => historyEntryFor(subject, data),
    handle: async ({ subject, event }) => {
      if (!event) return;
      const created = await recordHistoryEntry(model, event);
      if (!created) logger.debug({ event: event._id, subject }, "history entry already recorded");
    },
  });
}

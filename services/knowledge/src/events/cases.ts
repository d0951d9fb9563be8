import type { ConsumerLoop, EventBus, Logger } from "@relata/platform";
import { CaseChanged } from "@relata/proto/events/v1/service";
import type { Model } from "mongoose";
import type { CaseCopyRecord } from "../store/models";
import { SERVICE_STREAM } from "./stream";

/** The durable consumer that keeps the local copy of the Service's cases. */
export const CASE_COPY_DURABLE = "knowledge-cases";

/** The Service's subjects whose payload is a CaseChanged snapshot of the case. */
export const CASE_SNAPSHOT_SUBJECTS = [
  "service.case.opened",
  "service.case.updated",
  "service.case.deleted",
  "service.case.restored",
  "service.case.assigned",
  "service.case.status_changed",
  "service.case.resolved",
  "service.case.closed",
  "service.case.reopened",
];

/**
 * Writes a case's snapshot into the copy unless the copy already holds that version or a later
 * one: events may come again or out of order, the copy only moves forward. One durable
 * consumer applies them one at a time, so the read and the write do not race each other.
 */
export async function applyCaseSnapshot(copies: Model<CaseCopyRecord>, subject: string, event: CaseChanged): Promise<boolean> {
  const c = event.case;
  const tenantId = event.meta?.tenantId;
  if (!c?.id || !tenantId || c.tenantId !== tenantId) return false;
  const _id = `${tenantId}/${c.id}`;
  const version = Number(c.version);
  const held = await copies.findOne({ _id }, { version: 1 }).lean<{ version: number }>();
  if (held && held.version >= version) return false;
  const copy: CaseCopyRecord = {
    _id,
    tenantId,
    caseId: c.id,
    subject: c.subject,
    description: c.description,
    product: c.product,
    version,
    deleted: subject === "service.case.deleted",
  };
  await copies.replaceOne({ _id }, copy, { upsert: true });
  return true;
}

export function startCaseCopyConsumer(bus: EventBus, copies: Model<CaseCopyRecord>, logger: Logger, durable = CASE_COPY_DURABLE): Promise<ConsumerLoop<CaseChanged>> {
  return bus.consume<CaseChanged>({
    stream: SERVICE_STREAM.name,
    durable,
    filterSubjects: CASE_SNAPSHOT_SUBJECTS,
    decode: (data) => CaseChanged.decode(data),
    handle: async ({ subject, event }) => {
      if (await applyCaseSnapshot(copies, subject, event)) logger.debug({ caseId: event.case?.id, subject }, "case copy updated");
    },
  });
}

import { toMessage } from "@relata/platform/resource";
import type { Case } from "@relata/proto/service/v1/case";
import type { Entitlement } from "@relata/proto/service/v1/entitlement";
import type { EscalationRule } from "@relata/proto/service/v1/escalation";
import type { Queue } from "@relata/proto/service/v1/queue";
import type { Appointment, BookableResource } from "@relata/proto/service/v1/scheduling";
import { unitsLeft } from "../domain/entitlement";
import type { AppointmentRecord, BookableResourceRecord, CaseRecord, EntitlementRecord, EscalationRuleRecord, QueueRecord } from "../domain/types";
import { appointment, bookableResource, entitlement, escalationRule, queue, supportCase } from "../resources";

/** Records to proto messages, for the gRPC responses and the event payloads alike (from the descriptions). */
export const toCase = (r: CaseRecord): Case => toMessage(supportCase, r);

/**
 * An entitlement with the units its cases have used (counted from the unit claims when read);
 * without a count (an event's snapshot) both units_used and units_left are 0.
 */
export const toEntitlement = (r: EntitlementRecord, used?: number): Entitlement =>
  toMessage(entitlement, { ...r, unitsUsed: used ?? 0, unitsLeft: used === undefined ? 0 : unitsLeft(r, used) });
export const toBookableResource = (r: BookableResourceRecord): BookableResource => toMessage(bookableResource, r);
export const toAppointment = (r: AppointmentRecord): Appointment => toMessage(appointment, r);

export const toQueue = (r: QueueRecord): Queue => toMessage(queue, r);
export const toEscalationRule = (r: EscalationRuleRecord): EscalationRule => toMessage(escalationRule, r);

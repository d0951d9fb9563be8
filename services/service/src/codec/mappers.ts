import { toMessage } from "@relata/platform/resource";
import type { Case } from "@relata/proto/service/v1/case";
import type { EscalationRule } from "@relata/proto/service/v1/escalation";
import type { Queue } from "@relata/proto/service/v1/queue";
import type { CaseRecord, EscalationRuleRecord, QueueRecord } from "../domain/types";
import { escalationRule, queue, supportCase } from "../resources";

/** Records to proto messages, for the gRPC responses and the event payloads alike (from the descriptions). */
export const toCase = (r: CaseRecord): Case => toMessage(supportCase, r);
export const toQueue = (r: QueueRecord): Queue => toMessage(queue, r);
export const toEscalationRule = (r: EscalationRuleRecord): EscalationRule => toMessage(escalationRule, r);

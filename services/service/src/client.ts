import type { PromiseClients } from "@relata/platform";
import { CaseServiceService } from "@relata/proto/service/v1/case";
import { EntitlementServiceService } from "@relata/proto/service/v1/entitlement";
import { AppointmentServiceService, BookableResourceServiceService } from "@relata/proto/service/v1/scheduling";
import { EscalationRuleServiceService } from "@relata/proto/service/v1/escalation";
import { CaseAssignmentServiceService, QueueServiceService } from "@relata/proto/service/v1/queue";
import { CaseCommentServiceService } from "@relata/proto/service/v1/comment";
import { CaseFeedbackServiceService } from "@relata/proto/service/v1/feedback";
import { ServiceSettingsServiceService } from "@relata/proto/service/v1/settings";
import { BusinessCalendarServiceService } from "@relata/proto/service/v1/calendar";
import { SlaPolicyServiceService } from "@relata/proto/service/v1/sla";

/**
 * The Service's gRPC services by a short name: every caller (the gateway, the tests) builds its
 * clients from this map. This module imports no runtime of the service, so callers import it
 * through `@relata/service/client`.
 */
export const serviceServices = {
  cases: CaseServiceService,
  entitlements: EntitlementServiceService,
  bookableResources: BookableResourceServiceService,
  appointments: AppointmentServiceService,
  queues: QueueServiceService,
  caseAssignment: CaseAssignmentServiceService,
  escalationRules: EscalationRuleServiceService,
  comments: CaseCommentServiceService,
  feedback: CaseFeedbackServiceService,
  settings: ServiceSettingsServiceService,
  businessCalendars: BusinessCalendarServiceService,
  slaPolicies: SlaPolicyServiceService,
};

/** Promise clients of every Service gRPC service. */
export type ServiceClients = PromiseClients<typeof serviceServices>;

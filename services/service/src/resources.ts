import type { Role } from "@relata/platform";
import { enumCodec, f, resource } from "@relata/platform/resource";
import { Case, CaseChannel, CasePriority, CaseStatus, CreateCaseRequest, ListCasesRequest, UpdateCaseRequest } from "@relata/proto/service/v1/case";
import { SLA_RESOURCES } from "./sla-resources";

/**
 * The Service's CRUD resources, described once: the API's schemas, the service's input checks,
 * the collections and indexes, the record ↔ message codec, the event subjects and the
 * permission rows all derive from these. This module imports no runtime of the service, so the
 * gateway can import it through `@relata/service/resources`.
 */

/** Who works cases every day. */
export const SUPPORT_STAFF: readonly Role[] = ["support-agent", "support-manager"];
/** Who reads the Service's records: support, the tenant's admins, and Sales and analysts (an account's cases). */
export const SERVICE_READERS: readonly Role[] = ["platform-admin", "tenant-admin", ...SUPPORT_STAFF, "sales-rep", "sales-manager", "analyst"];
/** Who opens and works cases. */
export const SERVICE_WRITERS: readonly Role[] = ["tenant-admin", ...SUPPORT_STAFF];
/** Who configures the Service for the tenant (queues, policies, calendars, rules). */
export const SERVICE_CONFIGURERS: readonly Role[] = ["tenant-admin", "support-manager"];

export const caseStatus = enumCodec(CaseStatus, "CASE_STATUS_");
export const casePriority = enumCodec(CasePriority, "CASE_PRIORITY_");
export const caseChannel = enumCodec(CaseChannel, "CASE_CHANNEL_");

export const supportCase = resource<Case, CreateCaseRequest, UpdateCaseRequest, ListCasesRequest>()({
  name: "service.case",
  path: "/v1/cases",
  collection: "cases",
  fields: {
    number: f.text(20).readOnly().describe('The tenant\'s case number, "CS-000123".'),
    subject: f.text(300).required().sortable(),
    description: f.text(20_000).clearable(),
    channel: f
      .enum(caseChannel)
      .createOnly()
      .defaulted('How the case came in; defaults to "web".')
      .filter(),
    priority: f.enum(casePriority).defaulted('Defaults to "normal".').filter().sortable(),
    category: f.text(100).clearable().filter().describe('Such as "billing"; "complaint" cases have their own SLA policy.'),
    product: f.text(200).clearable(),
    accountId: f.ref("sales.account").clearable().filter(),
    contactId: f.ref("sales.contact").clearable(),
    ownerId: f
      .owner()
      .createOnly()
      .filter()
      .describe("The agent working the case. Empty with a queue: the queue's rule assigns one; empty without: the caller."),
    queueId: f.text(64, { pattern: { regex: /^[A-Za-z0-9_-]{1,64}$/, message: "must be a queue id" } }).createOnly().filter(),
    status: f.enum(caseStatus).readOnly().filter(),
    firstRespondedAt: f.timestamp().readOnly(),
    resolvedAt: f.timestamp().readOnly(),
    closedAt: f.timestamp().readOnly(),
    entitlementId: f.ref("service.entitlement").readOnly(),
    entitlementMissing: f.boolean().readOnly(),
    slaLevel: f.text(50).readOnly(),
    firstResponseDueAt: f.timestamp().readOnly(),
    resolutionDueAt: f.timestamp().readOnly(),
    slaBreached: f.boolean().readOnly().filter(),
  },
  access: {
    read: SERVICE_READERS,
    write: SERVICE_WRITERS,
    scopes: { read: "service:read", create: "service:write" },
    says: { update: "update cases" },
  },
  pii: ["subject", "description"],
});

/** Every CRUD resource of the Service, in the order the API lists them. */
export const SERVICE_RESOURCES = [supportCase, ...SLA_RESOURCES] as const;

import type { EventMeta } from "@relata/platform";
import { toJson, type AnyResource, type Resource } from "@relata/platform/resource";
import * as integrationsEvents from "@relata/proto/events/v1/integrations";
import * as knowledgeEvents from "@relata/proto/events/v1/knowledge";
import * as marketingEvents from "@relata/proto/events/v1/marketing";
import * as reportingEvents from "@relata/proto/events/v1/reporting";
import * as salesEvents from "@relata/proto/events/v1/sales";
import * as serviceEvents from "@relata/proto/events/v1/service";
import { article } from "@relata/knowledge/resources";
import { campaign, marketingList, scoringRule, segment } from "@relata/marketing/resources";
import { quota } from "@relata/reporting/resources";
import { account, activity, competitor, contact, lead, opportunity, priceList, product, territory } from "@relata/sales/resources";
import { appointment, bookableResource, entitlement, escalationRule, queue, supportCase } from "@relata/service/resources";
import { webhook } from "../resources";

/**
 * The events a webhook may subscribe to: every public subject of docs/events.md (a unit test
 * keeps the two in step) with the message it carries, and webhook.ping. Internal subjects
 * (message schedules, the *_due timers) are left out: they are not subscribable.
 */

interface Message<T> {
  decode(input: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
  fromPartial(object: object): T;
}

/** A decoded message as JSON: ts-proto's objects are plain (strings for int64, enums and timestamps); bytes become base64. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
  return value;
}

export interface CatalogueEntry {
  type: string;
  /** An event of this type carrying only its envelope (for tests). */
  sample(meta: EventMeta): Uint8Array;
  /** The stream it is published on. */
  stream: string;
  /** The proto message's name (as docs/events.md names it). */
  message: string;
  /**
   * The payload's `data` for a webhook: `record` ({type, id}) and the record's snapshot under its
   * resource's name (the API's JSON where the event carries a described resource).
   */
  data(bytes: Uint8Array): { meta: EventMeta | undefined; data: Record<string, unknown> };
}

type MessageName<M> = keyof M & string;

/** Streams and their subjects' first word. */
export const FANOUT_STREAMS = ["SALES", "SERVICE", "KNOWLEDGE", "MARKETING", "REPORTING", "INTEGRATIONS"] as const;

function entries<M extends Record<string, unknown>>(
  stream: (typeof FANOUT_STREAMS)[number],
  module: M,
  name: MessageName<M>,
  types: readonly string[],
  described?: { resource: AnyResource; field: string },
): CatalogueEntry[] {
  const codec = module[name] as unknown as Message<Record<string, unknown> & { meta?: EventMeta }>;
  return types.map((type) => ({
    type,
    stream,
    message: name,
    sample: (meta) => codec.encode(codec.fromPartial({ meta })).finish(),
    data(bytes) {
      const decoded = codec.decode(bytes);
      const meta = decoded.meta;
      if (described && decoded[described.field]) {
        const r = described.resource;
        const key = r.name.split(".")[1]!;
        return {
          meta,
          data: {
            record: { type: r.name, id: meta?.entityId ?? "" },
            [key]: toJson(r as Resource<unknown, unknown, unknown, typeof r.fields>, decoded[described.field]),
          },
        };
      }
      const { meta: _meta, ...fields } = plain(decoded) as Record<string, unknown>;
      const [service, what] = type.split(".");
      return { meta, data: { record: { type: `${service}.${what}`, id: meta?.entityId ?? "" }, [what!]: fields } };
    },
  }));
}

const crud = (prefix: string, ...verbs: string[]) => ["created", "updated", "deleted", "restored", ...verbs].map((v) => `${prefix}.${v}`);
const bin = (prefix: string) => [`${prefix}.deleted`, `${prefix}.restored`];

export const PING_TYPE = "webhook.ping";

export const EVENT_CATALOGUE: readonly CatalogueEntry[] = [
  // Sales
  ...entries("SALES", salesEvents, "AccountChanged", crud("sales.account"), { resource: account, field: "account" }),
  ...entries("SALES", salesEvents, "ContactChanged", crud("sales.contact"), { resource: contact, field: "contact" }),
  ...entries("SALES", salesEvents, "LeadChanged", crud("sales.lead", "qualified", "disqualified", "assigned"), { resource: lead, field: "lead" }),
  ...entries("SALES", salesEvents, "LeadConverted", ["sales.lead.converted"], { resource: lead, field: "lead" }),
  ...entries("SALES", salesEvents, "OpportunityChanged", crud("sales.opportunity"), { resource: opportunity, field: "opportunity" }),
  ...entries("SALES", salesEvents, "OpportunityStageChanged", ["sales.opportunity.stage_changed", "sales.opportunity.won", "sales.opportunity.lost"], {
    resource: opportunity,
    field: "opportunity",
  }),
  ...entries("SALES", salesEvents, "ActivityChanged", ["sales.activity.logged", "sales.activity.updated", "sales.activity.completed", ...bin("sales.activity")], {
    resource: activity,
    field: "activity",
  }),
  ...entries("SALES", salesEvents, "ProductChanged", crud("sales.product"), { resource: product, field: "product" }),
  ...entries("SALES", salesEvents, "PriceListChanged", crud("sales.price_list"), { resource: priceList, field: "priceList" }),
  ...entries("SALES", salesEvents, "QuoteChanged", ["created", "updated", "revised", "sent", "accepted", "rejected", "expired"].map((v) => `sales.quote.${v}`)),
  ...entries("SALES", salesEvents, "OrderChanged", ["created", "fulfilled", "cancelled"].map((v) => `sales.order.${v}`)),
  ...entries("SALES", salesEvents, "CompetitorChanged", crud("sales.competitor"), { resource: competitor, field: "competitor" }),
  ...entries("SALES", salesEvents, "TerritoryChanged", crud("sales.territory", "rules_replaced"), { resource: territory, field: "territory" }),
  // Service
  ...entries(
    "SERVICE",
    serviceEvents,
    "CaseChanged",
    ["opened", "updated", "deleted", "restored", "status_changed", "resolved", "closed", "reopened"].map((v) => `service.case.${v}`),
    { resource: supportCase, field: "case" },
  ),
  ...entries("SERVICE", serviceEvents, "CaseAssigned", ["service.case.assigned"], { resource: supportCase, field: "case" }),
  ...entries("SERVICE", serviceEvents, "CaseEscalated", ["service.case.escalated"]),
  ...entries("SERVICE", serviceEvents, "CasePublicReplyAdded", ["service.case.public_reply_added"], { resource: supportCase, field: "case" }),
  ...entries("SERVICE", serviceEvents, "CaseCsatGiven", ["service.case.csat_given"], { resource: supportCase, field: "case" }),
  ...entries("SERVICE", serviceEvents, "EntitlementChanged", crud("service.entitlement"), { resource: entitlement, field: "entitlement" }),
  ...entries("SERVICE", serviceEvents, "BookableResourceChanged", crud("service.bookable_resource"), { resource: bookableResource, field: "resource" }),
  ...entries(
    "SERVICE",
    serviceEvents,
    "AppointmentChanged",
    ["booked", "cancelled", "updated", "deleted", "restored"].map((v) => `service.appointment.${v}`),
    { resource: appointment, field: "appointment" },
  ),
  ...entries("SERVICE", serviceEvents, "QueueChanged", crud("service.queue"), { resource: queue, field: "queue" }),
  ...entries("SERVICE", serviceEvents, "EscalationRuleChanged", crud("service.escalation_rule"), { resource: escalationRule, field: "escalationRule" }),
  ...entries("SERVICE", serviceEvents, "SlaAlert", ["service.sla.warning", "service.sla.breached"]),
  ...entries("SERVICE", serviceEvents, "BusinessCalendarChanged", crud("service.business_calendar")),
  ...entries("SERVICE", serviceEvents, "SlaPolicyChanged", crud("service.sla_policy")),
  // Knowledge-Base
  ...entries(
    "KNOWLEDGE",
    knowledgeEvents,
    "ArticleChanged",
    ["created", "updated", "submitted", "approved", "rejected", "archived", "deleted", "restored"].map((v) => `knowledge.article.${v}`),
    { resource: article, field: "article" },
  ),
  ...entries("KNOWLEDGE", knowledgeEvents, "ArticleFeedbackGiven", ["knowledge.article.feedback_given"]),
  ...entries("KNOWLEDGE", knowledgeEvents, "ArticleLinkedToCase", ["knowledge.article.linked_to_case"]),
  ...entries("KNOWLEDGE", knowledgeEvents, "ArticleViewed", ["knowledge.article.viewed"]),
  ...entries("KNOWLEDGE", knowledgeEvents, "SearchPerformed", ["knowledge.search.performed"]),
  ...entries("KNOWLEDGE", knowledgeEvents, "SearchNoResults", ["knowledge.search.no_results"]),
  // Marketing
  ...entries(
    "MARKETING",
    marketingEvents,
    "CampaignChanged",
    crud("marketing.campaign", "scheduled", "launched", "completed", "cancelled"),
    { resource: campaign, field: "campaign" },
  ),
  ...entries("MARKETING", marketingEvents, "CallLogged", ["marketing.call.logged"]),
  ...entries("MARKETING", marketingEvents, "MarketingListChanged", crud("marketing.list"), { resource: marketingList, field: "list" }),
  ...entries("MARKETING", marketingEvents, "ConsentChanged", ["marketing.consent.granted", "marketing.consent.withdrawn"]),
  ...entries("MARKETING", marketingEvents, "ResponseRecorded", ["marketing.response.recorded"]),
  ...entries("MARKETING", marketingEvents, "ScoringRuleChanged", crud("marketing.scoring_rule"), { resource: scoringRule, field: "scoringRule" }),
  ...entries("MARKETING", marketingEvents, "LeadScored", ["marketing.lead.scored"]),
  ...entries("MARKETING", marketingEvents, "SegmentChanged", crud("marketing.segment"), { resource: segment, field: "segment" }),
  // Reporting
  ...entries("REPORTING", reportingEvents, "QuotaChanged", crud("reporting.quota"), { resource: quota, field: "quota" }),
  ...entries("REPORTING", reportingEvents, "CustomerValueChanged", ["reporting.customer.value_changed"]),
  // Integrations
  ...entries("INTEGRATIONS", integrationsEvents, "ImportJobChanged", ["integrations.import.completed", "integrations.import.failed", "integrations.import.aborted"]),
  ...entries("INTEGRATIONS", integrationsEvents, "ExportJobChanged", ["integrations.export.completed", "integrations.export.failed"]),
  ...entries("INTEGRATIONS", integrationsEvents, "WebhookChanged", crud("integrations.webhook", "disabled"), { resource: webhook, field: "webhook" }),
];

const byType = new Map(EVENT_CATALOGUE.map((e) => [e.type, e]));

export function catalogueEntry(type: string): CatalogueEntry | undefined {
  return byType.get(type);
}

/** Every type a webhook may subscribe to, the ping included. */
export const SUBSCRIBABLE_TYPES: readonly string[] = [...EVENT_CATALOGUE.map((e) => e.type), PING_TYPE];

/** The catalogue's subjects on one stream: the fan-out consumer's filter. */
export function streamSubjects(stream: string): string[] {
  return EVENT_CATALOGUE.filter((e) => e.stream === stream).map((e) => e.type);
}

/** One line on each type, for GET /v1/webhooks/event-types. */
export function eventTypeDescription(type: string): string {
  if (type === PING_TYPE) return "A test delivery sent by POST /v1/webhooks/{id}/ping.";
  const e = byType.get(type);
  return e ? `${e.message} (see docs/events.md)` : "";
}

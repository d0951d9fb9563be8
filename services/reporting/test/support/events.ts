import type { EventBus } from "@relata/platform";
import { ArticleChanged, ArticleFeedbackGiven, ArticleLinkedToCase, ArticleViewed, SearchNoResults, SearchPerformed } from "@relata/proto/events/v1/knowledge";
import { CampaignChanged, ResponseRecorded } from "@relata/proto/events/v1/marketing";
import type { EventMeta } from "@relata/proto/events/v1/meta";
import { QuotaChanged } from "@relata/proto/events/v1/reporting";
import {
  AccountChanged,
  ActivityChanged,
  CompetitorChanged,
  LeadChanged,
  LeadConverted,
  OpportunityChanged,
  OpportunityStageChanged,
  OrderChanged,
} from "@relata/proto/events/v1/sales";
import { CaseChanged, CaseCsatGiven, SlaAlert, SlaMetric } from "@relata/proto/events/v1/service";
import { Article, ArticleStatus } from "@relata/proto/knowledge/v1/article";
import { Campaign, CampaignStatus } from "@relata/proto/marketing/v1/campaign";
import { Quota } from "@relata/proto/reporting/v1/quota";
import { Activity, ActivityType } from "@relata/proto/sales/v1/activity";
import { Account } from "@relata/proto/sales/v1/account";
import { Lead, LeadSource, LeadStatus } from "@relata/proto/sales/v1/lead";
import { Competitor } from "@relata/proto/sales/v1/competitor";
import { Opportunity, OpportunityStatus } from "@relata/proto/sales/v1/opportunity";
import { Order, OrderStatus } from "@relata/proto/sales/v1/order";
import { Case, CasePriority, CaseStatus } from "@relata/proto/service/v1/case";
import { randomUUID } from "node:crypto";

/**
 * Events as the services publish them, for Reporting's tests and benchmark: each builder gives
 * the subject, the encoded message and its id; `publishAll` puts them on the streams (the
 * services' own stream specs: whichever starts first creates them). Snapshots take the fields a
 * test names and sensible defaults for the rest.
 */
export interface TestEvent {
  subject: string;
  data: Uint8Array;
  id: string;
}

const STREAMS = { sales: "SALES", marketing: "MARKETING", service: "SERVICE", knowledge: "KNOWLEDGE", reporting: "REPORTING" } as const;

function meta(subject: string, tenantId: string, entityId: string, at: string, id = randomUUID()): EventMeta {
  return { id, type: subject, tenantId, entityId, actorId: "test", requestId: "", occurredAt: at };
}

const event = (subject: string, m: EventMeta, data: Uint8Array): TestEvent => ({ subject, data, id: m.id });

/** Ensures the five streams exist (as the services create them), then publishes in order. */
export async function publishAll(bus: EventBus, events: readonly TestEvent[]): Promise<void> {
  for (const name of Object.values(STREAMS)) {
    const lower = name.toLowerCase();
    await bus.ensureStream({ name, subjects: [`${lower}.>`], ...(name === "MARKETING" || name === "SERVICE" ? { allowMsgSchedules: true } : {}) });
  }
  for (const e of events) await bus.publish(e.subject, e.data, { msgId: e.id });
}

const ts = (at: string | undefined) => at;

export function account(tenantId: string, a: Partial<Account> & { id: string }, verb = "created", at = new Date().toISOString()): TestEvent {
  const subject = `sales.account.${verb}`;
  const m = meta(subject, tenantId, a.id, at);
  const record: Account = Account.fromPartial({ tenantId, name: "", parentAccountId: "", industry: "", territory: "", ownerId: "", website: "", version: "1", createdAt: at, updatedAt: at, ...a });
  return event(subject, m, AccountChanged.encode({ meta: m, account: record }).finish());
}

/** An opportunity snapshot; `verb` created, updated, stage_changed, won or lost (won/lost set the status and a closing stage change at `at`). */
export function opportunity(tenantId: string, o: Partial<Opportunity> & { id: string }, verb = "created", at = new Date().toISOString()): TestEvent {
  const subject = `sales.opportunity.${verb}`;
  const m = meta(subject, tenantId, o.id, at);
  const status = verb === "won" ? OpportunityStatus.OPPORTUNITY_STATUS_WON : verb === "lost" ? OpportunityStatus.OPPORTUNITY_STATUS_LOST : OpportunityStatus.OPPORTUNITY_STATUS_OPEN;
  const record: Opportunity = Opportunity.fromPartial({
    tenantId, accountId: "", contactId: "", name: "", stageId: "prospecting", probability: 10, amount: { amount: "0", currency: "EUR" },
    expectedCloseDate: "", status, closeReason: "", ownerId: "", stageHistory: [], leadId: "", version: "1", createdAt: at, updatedAt: at, ...o,
  });
  if (verb === "won" || verb === "lost") {
    record.stageHistory = [...record.stageHistory, { fromStageId: "negotiation", toStageId: record.stageId, changedBy: "test", changedAt: at }];
    const encoded = OpportunityStageChanged.encode({ meta: m, opportunity: record, fromStageId: "negotiation", toStageId: record.stageId }).finish();
    return event(subject, m, encoded);
  }
  if (verb === "stage_changed") return event(subject, m, OpportunityStageChanged.encode({ meta: m, opportunity: record, fromStageId: "", toStageId: record.stageId }).finish());
  return event(subject, m, OpportunityChanged.encode({ meta: m, opportunity: record }).finish());
}

export function lead(tenantId: string, l: Partial<Lead> & { id: string }, verb = "created", at = new Date().toISOString()): TestEvent {
  const subject = `sales.lead.${verb}`;
  const m = meta(subject, tenantId, l.id, at);
  const record: Lead = Lead.fromPartial({
    tenantId, firstName: "", lastName: "", email: "", phone: "", company: "", title: "", industry: "", source: LeadSource.LEAD_SOURCE_MANUAL,
    status: verb === "converted" ? LeadStatus.LEAD_STATUS_CONVERTED : LeadStatus.LEAD_STATUS_NEW, ownerId: "", score: 0, disqualifyReason: "",
    version: "1", createdAt: at, updatedAt: at, campaignId: "", ...l,
  });
  if (verb === "converted") {
    const c = record.conversion ?? { accountId: "", contactId: "", opportunityId: "", convertedAt: at };
    return event(subject, m, LeadConverted.encode({ meta: m, lead: record, accountId: c.accountId, contactId: c.contactId, opportunityId: c.opportunityId }).finish());
  }
  return event(subject, m, LeadChanged.encode({ meta: m, lead: record }).finish());
}

export function activity(tenantId: string, a: Partial<Activity> & { id: string }, verb = "logged", at = new Date().toISOString()): TestEvent {
  const subject = `sales.activity.${verb}`;
  const m = meta(subject, tenantId, a.id, at);
  const record: Activity = Activity.fromPartial({ tenantId, type: ActivityType.ACTIVITY_TYPE_CALL, subject: "", notes: "", accountId: "", ownerId: "", version: "1", createdAt: at, updatedAt: at, ...a });
  return event(subject, m, ActivityChanged.encode({ meta: m, activity: record }).finish());
}

export function campaign(tenantId: string, c: Partial<Campaign> & { id: string }, verb = "created", at = new Date().toISOString()): TestEvent {
  const subject = `marketing.campaign.${verb}`;
  const m = meta(subject, tenantId, c.id, at);
  const record: Campaign = Campaign.fromPartial({ tenantId, name: "", objective: "", description: "", status: CampaignStatus.CAMPAIGN_STATUS_DRAFT, ownerId: "", version: "1", createdAt: at, updatedAt: at, ...c });
  return event(subject, m, CampaignChanged.encode({ meta: m, campaign: record }).finish());
}

export function response(tenantId: string, r: { campaignId: string; type: string; personId?: string; leadId?: string }, at = new Date().toISOString()): TestEvent {
  const subject = "marketing.response.recorded";
  const m = meta(subject, tenantId, r.campaignId, at);
  const encoded = ResponseRecorded.encode({
    meta: m, responseId: randomUUID(), campaignId: r.campaignId, personId: r.personId ?? "", type: r.type, channel: "email", firstName: "", lastName: "",
    email: "", phone: "", company: "", occurredAt: at, personKind: "", leadId: r.leadId ?? "",
  }).finish();
  return event(subject, m, encoded);
}

/** A case snapshot; `verb` opened, updated, status_changed, resolved, closed... */
export function serviceCase(tenantId: string, c: Partial<Case> & { id: string }, verb = "opened", at = new Date().toISOString()): TestEvent {
  const subject = `service.case.${verb}`;
  const m = meta(subject, tenantId, c.id, at);
  const record = caseRecord(tenantId, c, at);
  return event(subject, m, CaseChanged.encode({ meta: m, case: record }).finish());
}

function caseRecord(tenantId: string, c: Partial<Case> & { id: string }, at: string): Case {
  return Case.fromPartial({
    tenantId, number: "", subject: "", description: "", category: "", product: "", accountId: "", contactId: "", ownerId: "", queueId: "",
    priority: CasePriority.CASE_PRIORITY_NORMAL, status: CaseStatus.CASE_STATUS_NEW, version: "1", createdAt: at, updatedAt: at,
    entitlementId: "", entitlementMissing: false, slaLevel: "", slaBreached: false, resolution: "", ...c,
  });
}

export function csat(tenantId: string, c: Partial<Case> & { id: string }, score: number, at = new Date().toISOString()): TestEvent {
  const subject = "service.case.csat_given";
  const m = meta(subject, tenantId, c.id, at);
  const encoded = CaseCsatGiven.encode({ meta: m, case: caseRecord(tenantId, c, at), feedback: { caseId: c.id, tenantId, score, comment: "", givenBy: "test", givenAt: at } }).finish();
  return event(subject, m, encoded);
}

export function slaAlert(tenantId: string, a: { caseId: string; metric: "first_response" | "resolution"; kind: "warning" | "breached"; queueId?: string; category?: string }, at = new Date().toISOString()): TestEvent {
  const subject = `service.sla.${a.kind}`;
  const m = meta(subject, tenantId, a.caseId, at);
  const metric = a.metric === "first_response" ? SlaMetric.SLA_METRIC_FIRST_RESPONSE : SlaMetric.SLA_METRIC_RESOLUTION;
  const encoded = SlaAlert.encode({
    meta: m, caseId: a.caseId, metric, dueAt: ts(at), targetAt: ts(at), priority: CasePriority.CASE_PRIORITY_NORMAL, category: a.category ?? "", queueId: a.queueId ?? "",
  }).finish();
  return event(subject, m, encoded);
}

export function article(tenantId: string, a: Partial<Article> & { id: string }, verb = "approved", at = new Date().toISOString()): TestEvent {
  const subject = `knowledge.article.${verb}`;
  const m = meta(subject, tenantId, a.id, at);
  const record = Article.fromPartial({ tenantId, title: "", category: "", language: "en", status: ArticleStatus.ARTICLE_STATUS_PUBLISHED, version: "1", createdAt: at, updatedAt: at, ...a });
  return event(subject, m, ArticleChanged.encode({ meta: m, article: record, published: record, comment: "" }).finish());
}

export function articleViewed(tenantId: string, v: { articleId: string; viewerId?: string; title?: string; category?: string; language?: string }, at = new Date().toISOString()): TestEvent {
  const subject = "knowledge.article.viewed";
  const m = meta(subject, tenantId, v.articleId, at);
  const encoded = ArticleViewed.encode({ meta: m, articleId: v.articleId, title: v.title ?? "", category: v.category ?? "", language: v.language ?? "en", viewerId: v.viewerId ?? "reader" }).finish();
  return event(subject, m, encoded);
}

export function articleFeedback(tenantId: string, f: { articleId: string; helpful: boolean }, at = new Date().toISOString()): TestEvent {
  const subject = "knowledge.article.feedback_given";
  const m = meta(subject, tenantId, f.articleId, at);
  const encoded = ArticleFeedbackGiven.encode({ meta: m, feedback: { articleId: f.articleId, articleVersion: 1, helpful: f.helpful, comment: "", readerId: randomUUID(), createdAt: at } }).finish();
  return event(subject, m, encoded);
}

export function articleLinked(tenantId: string, l: { articleId: string; caseId: string }, at = new Date().toISOString()): TestEvent {
  const subject = "knowledge.article.linked_to_case";
  const m = meta(subject, tenantId, l.articleId, at);
  return event(subject, m, ArticleLinkedToCase.encode({ meta: m, caseId: l.caseId, articleId: l.articleId }).finish());
}

export function search(tenantId: string, s: { query: string; resultCount: number; category?: string; language?: string }, at = new Date().toISOString()): TestEvent[] {
  const performed = "knowledge.search.performed";
  const pm = meta(performed, tenantId, "", at);
  const events = [event(performed, pm, SearchPerformed.encode({ meta: pm, query: s.query, language: s.language ?? "en", category: s.category ?? "", product: "", resultCount: s.resultCount }).finish())];
  if (s.resultCount === 0) {
    const empty = "knowledge.search.no_results";
    const em = meta(empty, tenantId, "", at);
    events.push(event(empty, em, SearchNoResults.encode({ meta: em, query: s.query, language: s.language ?? "en", category: s.category ?? "", product: "" }).finish()));
  }
  return events;
}

export function quota(tenantId: string, q: Partial<Quota> & { id: string; period: string }, verb = "created", at = new Date().toISOString()): TestEvent {
  const subject = `reporting.quota.${verb}`;
  const m = meta(subject, tenantId, q.id, at);
  const record: Quota = Quota.fromPartial({ tenantId, ownerId: "", territory: "", amount: { amount: "0", currency: "EUR" }, version: "1", createdAt: at, updatedAt: at, ...q });
  return event(subject, m, QuotaChanged.encode({ meta: m, quota: record }).finish());
}

/**
 * An order snapshot; `verb` created (submitted), fulfilled or cancelled (sets the status). `net`
 * and `tax` give the totals (total = net + tax, computed exactly by the test's own numbers).
 */
export function order(
  tenantId: string,
  o: Partial<Order> & { id: string; net: string; tax?: string; total?: string },
  verb: "created" | "fulfilled" | "cancelled" = "created",
  at = new Date().toISOString(),
): TestEvent {
  const subject = `sales.order.${verb}`;
  const m = meta(subject, tenantId, o.id, at);
  const { net, tax = "0.00", total = net, ...fields } = o;
  const status = verb === "fulfilled" ? OrderStatus.ORDER_STATUS_FULFILLED : verb === "cancelled" ? OrderStatus.ORDER_STATUS_CANCELLED : OrderStatus.ORDER_STATUS_SUBMITTED;
  const record = Order.fromPartial({
    tenantId, quoteId: `q-${o.id}`, quoteRevision: 1, opportunityId: "", accountId: "", number: "", status, currency: "EUR", lines: [],
    totals: { subtotal: net, lineDiscounts: "0.00", quoteDiscount: "0.00", net, tax, total, taxes: [] }, ownerId: "", submittedAt: at,
    version: "1", createdAt: at, updatedAt: at, ...(verb === "fulfilled" ? { fulfilledAt: at } : {}), ...(verb === "cancelled" ? { cancelledAt: at } : {}), ...fields,
  });
  return event(subject, m, OrderChanged.encode({ meta: m, order: record }).finish());
}

/** A competitor snapshot; `verb` created, updated, deleted or restored. */
export function competitor(tenantId: string, c: Partial<Competitor> & { id: string }, verb = "created", at = new Date().toISOString()): TestEvent {
  const subject = `sales.competitor.${verb}`;
  const m = meta(subject, tenantId, c.id, at);
  const record = Competitor.fromPartial({ tenantId, name: "", website: "", strengths: "", weaknesses: "", version: "1", createdAt: at, updatedAt: at, ...c });
  return event(subject, m, CompetitorChanged.encode({ meta: m, competitor: record }).finish());
}

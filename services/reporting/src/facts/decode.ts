import { enumCodec } from "@relata/platform/resource";
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
import { ArticleStatus } from "@relata/proto/knowledge/v1/article";
import { CampaignStatus } from "@relata/proto/marketing/v1/campaign";
import { ActivityType } from "@relata/proto/sales/v1/activity";
import { LeadSource, LeadStatus } from "@relata/proto/sales/v1/lead";
import { OpportunityStatus } from "@relata/proto/sales/v1/opportunity";
import { OrderStatus } from "@relata/proto/sales/v1/order";
import { CaseChannel, CasePriority, CaseStatus } from "@relata/proto/service/v1/case";
import { periodRange } from "../domain/period";

/** The streams and subjects the store is built from (docs/reporting.md lists what each gives). */
export const FACT_SOURCES = [
  {
    stream: "SALES",
    // Not sales.quote.*: an order carries the accepted quote's totals, and an opportunity its primary quote's amount.
    filterSubjects: ["sales.account.>", "sales.opportunity.>", "sales.lead.>", "sales.activity.>", "sales.order.>", "sales.competitor.>"],
  },
  {
    stream: "MARKETING",
    // Not marketing.campaign.start_due/end_due nor the schedules: they change no fact.
    filterSubjects: [
      ...["created", "updated", "deleted", "restored", "scheduled", "launched", "completed", "cancelled"].map((verb) => `marketing.campaign.${verb}`),
      "marketing.response.recorded",
    ],
  },
  {
    stream: "SERVICE",
    filterSubjects: ["service.case.>", "service.sla.breached", "service.sla.warning"],
  },
  {
    stream: "KNOWLEDGE",
    filterSubjects: ["knowledge.article.>", "knowledge.search.>"],
  },
  {
    stream: "REPORTING",
    filterSubjects: ["reporting.quota.>"],
  },
] as const;

const words = {
  opportunityStatus: enumCodec(OpportunityStatus, "OPPORTUNITY_STATUS_"),
  orderStatus: enumCodec(OrderStatus, "ORDER_STATUS_"),
  leadStatus: enumCodec(LeadStatus, "LEAD_STATUS_"),
  leadSource: enumCodec(LeadSource, "LEAD_SOURCE_"),
  activityType: enumCodec(ActivityType, "ACTIVITY_TYPE_"),
  campaignStatus: enumCodec(CampaignStatus, "CAMPAIGN_STATUS_"),
  caseStatus: enumCodec(CaseStatus, "CASE_STATUS_"),
  casePriority: enumCodec(CasePriority, "CASE_PRIORITY_"),
  caseChannel: enumCodec(CaseChannel, "CASE_CHANNEL_"),
  articleStatus: enumCodec(ArticleStatus, "ARTICLE_STATUS_"),
  slaMetric: enumCodec(SlaMetric, "SLA_METRIC_"),
};

/** A column value as the batch upsert carries it (instants, dates and decimals as text). */
type Value = string | number | boolean | null;
export type Row = Record<string, Value>;

/** What one event does to the store: rows for tables (each a snapshot or a fact), counted under its subject. */
export interface FactChange {
  tenantId: string;
  subject: string;
  rows: { table: string; row: Row }[];
}

const text = (s: string | undefined): string | null => (s ? s : null);
const instant = (s: string | undefined): string | null => (s ? s : null);

function meta(m: EventMeta | undefined, subject: string): { tenantId: string; id: string; at: string } {
  if (!m?.tenantId || !m.id) throw new Error(`${subject}: event without tenant or id`);
  return { tenantId: m.tenantId, id: m.id, at: m.occurredAt ?? new Date(0).toISOString() };
}

/**
 * Decodes an event of any source stream into the rows it gives. Throws for an event it cannot
 * read (the projection skips it and counts it); an event it reads but keeps nothing of gives no rows.
 */
export function decodeFactEvent(data: Uint8Array, subject: string): FactChange {
  const [service, resource, verb] = subject.split(".") as [string, string, string];
  const deleted = verb === "deleted";
  const change = (m: EventMeta | undefined, rows: { table: string; row: Row }[]): FactChange => ({ tenantId: meta(m, subject).tenantId, subject, rows });

  if (service === "sales") {
    if (resource === "account") {
      const e = AccountChanged.decode(data);
      const a = e.account;
      return change(e.meta, a ? [{ table: "accounts", row: {
        tenant_id: a.tenantId, account_id: a.id, name: text(a.name), industry: text(a.industry), territory: text(a.territory),
        owner_id: text(a.ownerId), created_at: instant(a.createdAt), version: Number(a.version), deleted,
      } }] : []);
    }
    if (resource === "opportunity") {
      const stageChange = verb === "stage_changed" || verb === "won" || verb === "lost";
      const e = stageChange ? OpportunityStageChanged.decode(data) : OpportunityChanged.decode(data);
      const o = e.opportunity;
      if (!o) return change(e.meta, []);
      const status = words.opportunityStatus.fromProto(o.status) ?? "open";
      // The close is the instant of the stage change that closed it (the stage history's last entry).
      const lastChange = o.stageHistory.length ? o.stageHistory[o.stageHistory.length - 1] : undefined;
      const closedAt = status === "open" ? null : (instant(lastChange?.changedAt) ?? meta(e.meta, subject).at);
      return change(e.meta, [{ table: "opportunities", row: {
        tenant_id: o.tenantId, opportunity_id: o.id, account_id: text(o.accountId), lead_id: text(o.leadId), name: text(o.name),
        owner_id: text(o.ownerId), stage_id: text(o.stageId), probability: o.probability, amount: o.amount?.amount || null,
        currency: text(o.amount?.currency), expected_close_date: text(o.expectedCloseDate), status, close_reason: text(o.closeReason),
        created_at: instant(o.createdAt), closed_at: closedAt, competitor_ids: JSON.stringify(o.competitorIds?.values ?? []),
        lost_to_competitor_id: text(o.lostToCompetitorId), primary_quote_id: text(o.primaryQuoteId), version: Number(o.version), deleted,
      } }]);
    }
    if (resource === "order") {
      const e = OrderChanged.decode(data);
      const o = e.order;
      // Amounts as Sales computed them (decimal strings); "" is no amount.
      const amount = (v: string | undefined) => (v ? v : null);
      return change(e.meta, o ? [{ table: "orders", row: {
        tenant_id: o.tenantId, order_id: o.id, number: text(o.number), quote_id: text(o.quoteId), opportunity_id: text(o.opportunityId),
        account_id: text(o.accountId), owner_id: text(o.ownerId), status: words.orderStatus.fromProto(o.status) ?? "submitted",
        currency: text(o.currency), subtotal: amount(o.totals?.subtotal), net: amount(o.totals?.net), tax: amount(o.totals?.tax),
        total: amount(o.totals?.total), submitted_at: instant(o.submittedAt) ?? instant(o.createdAt), fulfilled_at: instant(o.fulfilledAt),
        cancelled_at: instant(o.cancelledAt), created_at: instant(o.createdAt), version: Number(o.version), deleted: false,
      } }] : []);
    }
    if (resource === "competitor") {
      const e = CompetitorChanged.decode(data);
      const c = e.competitor;
      return change(e.meta, c ? [{ table: "competitors", row: {
        tenant_id: c.tenantId, competitor_id: c.id, name: text(c.name), website: text(c.website), version: Number(c.version), deleted,
      } }] : []);
    }
    if (resource === "lead") {
      const e = verb === "converted" ? LeadConverted.decode(data) : LeadChanged.decode(data);
      const l = e.lead;
      return change(e.meta, l ? [{ table: "leads", row: {
        tenant_id: l.tenantId, lead_id: l.id, source: words.leadSource.fromProto(l.source), status: words.leadStatus.fromProto(l.status) ?? "new",
        owner_id: text(l.ownerId), campaign_id: text(l.campaignId), company: text(l.company), industry: text(l.industry),
        created_at: instant(l.createdAt), converted_at: instant(l.conversion?.convertedAt), account_id: text(l.conversion?.accountId),
        opportunity_id: text(l.conversion?.opportunityId), version: Number(l.version), deleted,
      } }] : []);
    }
    if (resource === "activity") {
      const e = ActivityChanged.decode(data);
      const a = e.activity;
      return change(e.meta, a ? [{ table: "activities", row: {
        tenant_id: a.tenantId, activity_id: a.id, kind: words.activityType.fromProto(a.type), account_id: text(a.accountId),
        owner_id: text(a.ownerId), created_at: instant(a.createdAt), completed_at: instant(a.completedAt),
        occurred_at: instant(a.completedAt) ?? instant(a.dueAt) ?? instant(a.createdAt), version: Number(a.version), deleted,
      } }] : []);
    }
  }

  if (service === "marketing") {
    if (resource === "campaign") {
      const e = CampaignChanged.decode(data);
      const c = e.campaign;
      return change(e.meta, c ? [{ table: "campaigns", row: {
        tenant_id: c.tenantId, campaign_id: c.id, name: text(c.name), status: words.campaignStatus.fromProto(c.status) ?? "draft",
        owner_id: text(c.ownerId), budget: c.budget?.amount || null, actual_cost: c.actualCost?.amount || null,
        cost_currency: text(c.actualCost?.currency ?? c.budget?.currency), starts_at: instant(c.startsAt), ends_at: instant(c.endsAt),
        launched_at: instant(c.launchedAt), created_at: instant(c.createdAt), members: Number(c.launchReport?.members ?? 0),
        version: Number(c.version), deleted,
      } }] : []);
    }
    if (resource === "response") {
      const e = ResponseRecorded.decode(data);
      const m = meta(e.meta, subject);
      return change(e.meta, [{ table: "campaign_responses", row: {
        tenant_id: m.tenantId, event_id: e.responseId || m.id, campaign_id: e.campaignId, response_type: e.type,
        person_id: text(e.personId), lead_id: text(e.leadId), occurred_at: instant(e.occurredAt) ?? m.at,
      } }]);
    }
  }

  if (service === "service") {
    if (resource === "case") {
      if (verb === "csat_given") {
        const e = CaseCsatGiven.decode(data);
        const f = e.feedback;
        const rows = caseRows(e.case, false);
        if (f) rows.push({ table: "case_feedback", row: { tenant_id: meta(e.meta, subject).tenantId, case_id: f.caseId, score: f.score, given_at: instant(f.givenAt) ?? meta(e.meta, subject).at } });
        return change(e.meta, rows);
      }
      // Every case event (opened, assigned, public_reply_added, escalated...) carries the case as field 2 or
      // nothing of it; escalated has a case id in field 2, which decodes as no case.
      if (verb === "escalated") return change(CaseChanged.decode(data).meta, []);
      const e = CaseChanged.decode(data);
      return change(e.meta, caseRows(e.case, deleted));
    }
    if (resource === "sla") {
      const e = SlaAlert.decode(data);
      const m = meta(e.meta, subject);
      return change(e.meta, [{ table: "sla_alerts", row: {
        tenant_id: m.tenantId, event_id: m.id, case_id: e.caseId, metric: words.slaMetric.fromProto(e.metric) ?? "resolution",
        kind: verb === "breached" ? "breached" : "warning", due_at: instant(e.dueAt), target_at: instant(e.targetAt),
        priority: words.casePriority.fromProto(e.priority), category: text(e.category), queue_id: text(e.queueId), occurred_at: m.at,
      } }]);
    }
  }

  if (service === "knowledge") {
    if (resource === "article") {
      if (verb === "feedback_given") {
        const e = ArticleFeedbackGiven.decode(data);
        const m = meta(e.meta, subject);
        return change(e.meta, e.feedback ? [{ table: "article_feedback", row: {
          tenant_id: m.tenantId, event_id: m.id, article_id: e.feedback.articleId, helpful: e.feedback.helpful, occurred_at: instant(e.feedback.createdAt) ?? m.at,
        } }] : []);
      }
      if (verb === "linked_to_case") {
        const e = ArticleLinkedToCase.decode(data);
        const m = meta(e.meta, subject);
        return change(e.meta, [{ table: "article_case_links", row: { tenant_id: m.tenantId, case_id: e.caseId, article_id: e.articleId, occurred_at: m.at } }]);
      }
      if (verb === "viewed") {
        const e = ArticleViewed.decode(data);
        const m = meta(e.meta, subject);
        return change(e.meta, [{ table: "article_views", row: {
          tenant_id: m.tenantId, event_id: m.id, article_id: e.articleId, category: text(e.category), language: text(e.language),
          viewer_id: text(e.viewerId), occurred_at: m.at,
        } }]);
      }
      const e = ArticleChanged.decode(data);
      const a = e.article;
      return change(e.meta, a ? [{ table: "articles", row: {
        tenant_id: a.tenantId, article_id: a.id, title: text((e.published ?? a).title), category: text(a.category), language: text(a.language),
        status: words.articleStatus.fromProto(a.status), version: Number(a.version), deleted,
      } }] : []);
    }
    if (resource === "search") {
      if (verb === "performed") {
        const e = SearchPerformed.decode(data);
        const m = meta(e.meta, subject);
        return change(e.meta, [{ table: "searches", row: {
          tenant_id: m.tenantId, event_id: m.id, query: text(e.query), language: text(e.language), category: text(e.category),
          product: text(e.product), result_count: e.resultCount, occurred_at: m.at,
        } }]);
      }
      const e = SearchNoResults.decode(data);
      const m = meta(e.meta, subject);
      return change(e.meta, [{ table: "empty_searches", row: {
        tenant_id: m.tenantId, event_id: m.id, query: text(e.query), language: text(e.language), category: text(e.category), product: text(e.product), occurred_at: m.at,
      } }]);
    }
  }

  if (service === "reporting" && resource === "quota") {
    const e = QuotaChanged.decode(data);
    const q = e.quota;
    if (!q) return change(e.meta, []);
    const range = periodRange(q.period);
    return change(e.meta, [{ table: "quotas", row: {
      tenant_id: q.tenantId, quota_id: q.id, owner_id: text(q.ownerId), territory: text(q.territory), period: q.period,
      period_start: range.from, period_end: range.to, amount: q.amount?.amount ?? "0", currency: q.amount?.currency ?? "",
      version: Number(q.version), deleted,
    } }]);
  }

  // A subject of a source the store keeps nothing of (counted all the same).
  const envelope = CaseChanged.decode(data); // field 1 of every event is its EventMeta
  return change(envelope.meta, []);
}

function caseRows(c: CaseChanged["case"], deleted: boolean): { table: string; row: Row }[] {
  if (!c) return [];
  return [{ table: "cases", row: {
    tenant_id: c.tenantId, case_id: c.id, number: text(c.number), account_id: text(c.accountId), owner_id: text(c.ownerId),
    queue_id: text(c.queueId), priority: words.casePriority.fromProto(c.priority), category: text(c.category), product: text(c.product),
    channel: words.caseChannel.fromProto(c.channel), status: words.caseStatus.fromProto(c.status) ?? "new",
    created_at: instant(c.createdAt), first_responded_at: instant(c.firstRespondedAt), first_response_due_at: instant(c.firstResponseDueAt),
    resolved_at: instant(c.resolvedAt), resolution_due_at: instant(c.resolutionDueAt), closed_at: instant(c.closedAt),
    sla_breached: c.slaBreached, version: Number(c.version), deleted,
  } }];
}

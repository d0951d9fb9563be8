import { CalendarDate, CURRENCY_CODES, Id, LastDay, named, OwnerId, TimeZoneName } from "@relata/platform/http";
import type { CampaignDashboard, CampaignPerformance, KnowledgeDashboard, ServiceDashboard, ServiceGroup } from "@relata/proto/reporting/v1/dashboards";
import { z } from "zod";

// Query strings of the operations dashboards (camelCase, as the proto fields) and their replies.

const From = CalendarDate.optional().meta({ description: "First calendar day of the range (YYYY-MM-DD, included); open when omitted." });
const To = LastDay.optional();
const TimeZone = TimeZoneName.optional();
const Text = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

const ordered = <T extends { from?: string; to?: string }>(q: T) => !q.from || !q.to || q.from <= q.to;
const toAfterFrom = { message: "must not be before from", path: ["to"] };

export const CampaignDashboardQuery = z
  .strictObject({
    from: From,
    to: To,
    timeZone: TimeZone,
    campaignId: Id.optional().meta({ description: "Only this campaign." }),
    ownerId: OwnerId.optional().meta({ description: "Only the campaigns of this owner." }),
    currency: z.enum(CURRENCY_CODES, { error: "must be an ISO 4217 currency code such as EUR" }).optional().meta({
      description: "Revenue and cost in this currency only (never converted); default: the currency most of the selected campaigns' costs are in, else EUR.",
    }),
  })
  .refine(ordered, toAfterFrom);

export const ServiceDashboardQuery = z
  .strictObject({
    from: From,
    to: To,
    timeZone: TimeZone,
    queueId: Id.optional().meta({ description: "Only the cases of this queue." }),
    category: Text(200).optional().meta({ description: "Only the cases of this category." }),
    ownerId: OwnerId.optional().meta({ description: "Only the cases of this agent." }),
  })
  .refine(ordered, toAfterFrom);

export const KnowledgeDashboardQuery = z
  .strictObject({
    from: From,
    to: To,
    timeZone: TimeZone,
    category: Text(200).optional().meta({ description: "Only views and searches of this category, feedback and links of articles of this category." }),
    language: z.string().regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, "must be a language tag such as en or pt-BR").max(35).optional().meta({
      description: "Only views and searches in this language, feedback and links of articles in this language.",
    }),
    limit: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(100, "must be at most 100").optional().meta({
      description: "How many top articles and empty searches, 1..100 (default 10).",
    }),
  })
  .refine(ordered, toAfterFrom);

const Money = z.string().meta({ description: "A decimal amount with 2 decimals, in the dashboard's currency." });

const CampaignPerformanceJson = z.object({
  campaignId: z.string(),
  name: z.string(),
  status: z.string(),
  members: z.number().int(),
  responses: z.number().int(),
  leads: z.number().int(),
  opportunities: z.number().int(),
  won: z.number().int(),
  wonRevenue: Money,
  cost: z.string().meta({ description: 'The actual cost when it is in the dashboard\'s currency; "" otherwise.' }),
  roi: z.string().meta({ description: '(wonRevenue - cost) / cost, 4 decimals ("0.2500"); "" without a cost.' }),
});

export const CampaignDashboardJson = named(
  "CampaignDashboard",
  z.object({
    currency: z.string(),
    campaigns: z.array(CampaignPerformanceJson),
    total: CampaignPerformanceJson.meta({ description: "The sums over the campaigns (campaignId, name and status empty)." }),
  }),
  "Per campaign: reach, leads, opportunities and revenue won, cost and return on cost.",
);

const ServiceGroupJson = z.object({
  key: z.string(),
  opened: z.number().int(),
  resolved: z.number().int(),
  backlog: z.number().int(),
  slaBreached: z.number().int(),
});

export const ServiceDashboardJson = named(
  "ServiceDashboard",
  z.object({
    opened: z.number().int(),
    resolved: z.number().int(),
    backlog: z.number().int(),
    averageFirstResponseMinutes: z.number(),
    averageResolutionMinutes: z.number(),
    slaCases: z.number().int(),
    slaMet: z.number().int(),
    slaBreached: z.number().int(),
    slaCompliance: z.number(),
    csatResponses: z.number().int(),
    csatAverage: z.number(),
    byQueue: z.array(ServiceGroupJson),
    byPriority: z.array(ServiceGroupJson),
  }),
  "The cases opened in the range: volume, backlog, response and resolution times, SLA compliance, satisfaction.",
);

export const KnowledgeDashboardJson = named(
  "KnowledgeDashboard",
  z.object({
    views: z.number().int(),
    searches: z.number().int(),
    searchesWithoutResults: z.number().int(),
    noResultRate: z.number(),
    helpful: z.number().int(),
    notHelpful: z.number().int(),
    linkedToCases: z.number().int(),
    topArticles: z.array(
      z.object({
        articleId: z.string(),
        title: z.string(),
        views: z.number().int(),
        helpful: z.number().int(),
        notHelpful: z.number().int(),
        casesSolved: z.number().int(),
      }),
    ),
    emptySearches: z.array(z.object({ query: z.string(), count: z.number().int() })),
  }),
  "Knowledge-Base usage in the range: views, searches, feedback, links to cases, top articles and searches that found nothing.",
);

const campaignJson = (c: CampaignPerformance | undefined): z.output<typeof CampaignPerformanceJson> => ({
  campaignId: c?.campaignId ?? "",
  name: c?.name ?? "",
  status: c?.status ?? "",
  members: Number(c?.members ?? 0),
  responses: Number(c?.responses ?? 0),
  leads: Number(c?.leads ?? 0),
  opportunities: Number(c?.opportunities ?? 0),
  won: Number(c?.won ?? 0),
  wonRevenue: c?.wonRevenue ?? "0.00",
  cost: c?.cost ?? "",
  roi: c?.roi ?? "",
});

export function campaignDashboardJson(d: CampaignDashboard): z.output<typeof CampaignDashboardJson> {
  return { currency: d.currency, campaigns: d.campaigns.map(campaignJson), total: campaignJson(d.total) };
}

const serviceGroupJson = (g: ServiceGroup): z.output<typeof ServiceGroupJson> => ({
  key: g.key,
  opened: Number(g.opened),
  resolved: Number(g.resolved),
  backlog: Number(g.backlog),
  slaBreached: Number(g.slaBreached),
});

export function serviceDashboardJson(d: ServiceDashboard): z.output<typeof ServiceDashboardJson> {
  return {
    opened: Number(d.opened),
    resolved: Number(d.resolved),
    backlog: Number(d.backlog),
    averageFirstResponseMinutes: d.averageFirstResponseMinutes,
    averageResolutionMinutes: d.averageResolutionMinutes,
    slaCases: Number(d.slaCases),
    slaMet: Number(d.slaMet),
    slaBreached: Number(d.slaBreached),
    slaCompliance: d.slaCompliance,
    csatResponses: Number(d.csatResponses),
    csatAverage: d.csatAverage,
    byQueue: d.byQueue.map(serviceGroupJson),
    byPriority: d.byPriority.map(serviceGroupJson),
  };
}

export function knowledgeDashboardJson(d: KnowledgeDashboard): z.output<typeof KnowledgeDashboardJson> {
  return {
    views: Number(d.views),
    searches: Number(d.searches),
    searchesWithoutResults: Number(d.searchesWithoutResults),
    noResultRate: d.noResultRate,
    helpful: Number(d.helpful),
    notHelpful: Number(d.notHelpful),
    linkedToCases: Number(d.linkedToCases),
    topArticles: d.topArticles.map((a) => ({
      articleId: a.articleId,
      title: a.title,
      views: Number(a.views),
      helpful: Number(a.helpful),
      notHelpful: Number(a.notHelpful),
      casesSolved: Number(a.casesSolved),
    })),
    emptySearches: d.emptySearches.map((e) => ({ query: e.query, count: Number(e.count) })),
  };
}

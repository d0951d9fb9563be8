import { calendarDate, implement, text, timeZone, validate, type ServiceRegistration } from "@relata/platform";
import { CURRENCY_CODES } from "@relata/platform/resource";
import {
  OperationsAnalyticsServiceService,
  type CampaignDashboard,
  type CampaignPerformance,
  type KnowledgeDashboard,
  type ServiceDashboard,
  type ServiceGroup,
} from "@relata/proto/reporting/v1/dashboards";
import { z } from "zod";
import { campaignFigures, campaignFiguresQuery, campaignTotal, costCurrenciesQuery, dashboardCurrency, type CampaignFigures } from "../domain/campaigns";
import { emptySearchesQuery, knowledgeFigures, knowledgeTotalsQuery, MAX_TOP, topArticlesQuery, topLimit } from "../domain/knowledge";
import { serviceFigures, serviceFiguresQuery, type ServiceGroupFigures } from "../domain/service-desk";
import type { ReportingDeps } from "./context";

// The gRPC boundary checks again what the gateway checked: a caller may skip the gateway.
const range = { from: calendarDate(), to: calendarDate(), timeZone: timeZone() };
const toNotBeforeFrom = (r: { from: string; to: string }) => !r.from || !r.to || r.from <= r.to;
const ordered = { message: "must not be before from", path: ["to"] };

const currencies = new Set<string>(CURRENCY_CODES);

const CampaignDashboardRequest = z
  .object({
    ...range,
    campaignId: text(),
    ownerId: text(),
    currency: text(3).refine((v) => v === "" || currencies.has(v), "must be an ISO 4217 currency code such as EUR"),
  })
  .refine(toNotBeforeFrom, ordered);

const ServiceDashboardRequest = z
  .object({ ...range, queueId: text(), category: text(), ownerId: text() })
  .refine(toNotBeforeFrom, ordered);

const KnowledgeDashboardRequest = z
  .object({
    ...range,
    category: text(),
    language: text(35),
    limit: z.number().int().min(0, "must not be negative").max(MAX_TOP, `must be at most ${MAX_TOP}`).default(0),
  })
  .refine(toNotBeforeFrom, ordered);

const performance = (c: CampaignFigures): CampaignPerformance => ({
  ...c,
  members: String(c.members),
  responses: String(c.responses),
  leads: String(c.leads),
  opportunities: String(c.opportunities),
  won: String(c.won),
});

const serviceGroup = (g: ServiceGroupFigures): ServiceGroup => ({
  key: g.key,
  opened: String(g.opened),
  resolved: String(g.resolved),
  backlog: String(g.backlog),
  slaBreached: String(g.slaBreached),
});

async function campaignDashboard({ store }: ReportingDeps, tenantId: string, request: unknown): Promise<CampaignDashboard> {
  const r = validate(CampaignDashboardRequest, request);
  const filters = { tenantId, from: r.from, to: r.to, campaignId: r.campaignId, ownerId: r.ownerId, timeZone: r.timeZone };
  let currency = r.currency;
  if (!currency) {
    const q = costCurrenciesQuery(filters);
    currency = dashboardCurrency("", (await store.query(q.sql, q.params)).map((row) => String(row.cost_currency)));
  }
  const q = campaignFiguresQuery(filters, currency);
  const campaigns = (await store.query(q.sql, q.params)).map(campaignFigures);
  return { currency, campaigns: campaigns.map(performance), total: performance(campaignTotal(campaigns)) };
}

async function serviceDashboard({ store }: ReportingDeps, tenantId: string, request: unknown): Promise<ServiceDashboard> {
  const r = validate(ServiceDashboardRequest, request);
  const q = serviceFiguresQuery({ tenantId, from: r.from, to: r.to, queueId: r.queueId, category: r.category, ownerId: r.ownerId, timeZone: r.timeZone });
  const f = serviceFigures(await store.query(q.sql, q.params));
  return {
    ...f,
    opened: String(f.opened),
    resolved: String(f.resolved),
    backlog: String(f.backlog),
    slaCases: String(f.slaCases),
    slaMet: String(f.slaMet),
    slaBreached: String(f.slaBreached),
    csatResponses: String(f.csatResponses),
    byQueue: f.byQueue.map(serviceGroup),
    byPriority: f.byPriority.map(serviceGroup),
  };
}

async function knowledgeDashboard({ store }: ReportingDeps, tenantId: string, request: unknown): Promise<KnowledgeDashboard> {
  const r = validate(KnowledgeDashboardRequest, request);
  const filters = { tenantId, from: r.from, to: r.to, category: r.category, language: r.language, timeZone: r.timeZone, limit: topLimit(r.limit) };
  const [totals, top, empty] = await Promise.all(
    [knowledgeTotalsQuery(filters), topArticlesQuery(filters), emptySearchesQuery(filters)].map((q) => store.query(q.sql, q.params)),
  );
  const f = knowledgeFigures(totals![0], top!, empty!);
  return {
    ...f,
    views: String(f.views),
    searches: String(f.searches),
    searchesWithoutResults: String(f.searchesWithoutResults),
    helpful: String(f.helpful),
    notHelpful: String(f.notHelpful),
    linkedToCases: String(f.linkedToCases),
    topArticles: f.topArticles.map((a) => ({
      ...a,
      views: String(a.views),
      helpful: String(a.helpful),
      notHelpful: String(a.notHelpful),
      casesSolved: String(a.casesSolved),
    })),
    emptySearches: f.emptySearches.map((e) => ({ query: e.query, count: String(e.count) })),
  };
}

/** The campaign, service and Knowledge-Base dashboards, each over the caller's tenant only. */
export function operationsAnalyticsService(deps: ReportingDeps): ServiceRegistration {
  return implement(
    OperationsAnalyticsServiceService,
    {
      getCampaignDashboard: (request, ctx) => campaignDashboard(deps, ctx.identity.tenantId, request),
      getServiceDashboard: (request, ctx) => serviceDashboard(deps, ctx.identity.tenantId, request),
      getKnowledgeDashboard: (request, ctx) => knowledgeDashboard(deps, ctx.identity.tenantId, request),
    },
    deps.logger,
  );
}

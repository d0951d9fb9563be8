// Tracing first: the instrumentations patch grpc and mongodb before they are loaded.
import "@relata/platform/register";
import { z } from "zod";
import { dependentsBy, ensureIndexes, env, openChannel, promiseClient, type RunningService, runService, startOutboxRelay, startRecycleBinPurge } from "@relata/platform";
import { SALES_STREAM } from "./events/stream";
import { startTimelineConsumer, TIMELINE_DURABLE } from "./events/timeline";
import { MARKETING_LEADS_DURABLE, startMarketingLeadsConsumer } from "./events/marketing-leads";
import { LEAD_SCORES_DURABLE, startLeadScoresConsumer } from "./events/marketing-scores";
import { accountService } from "./rpc/accounts";
import { activityService } from "./rpc/activities";
import { bulkService } from "./rpc/bulk";
import type { SalesDeps } from "./rpc/context";
import { contactService } from "./rpc/contacts";
import { leadService } from "./rpc/leads";
import { opportunityService } from "./rpc/opportunities";
import { pipelineService } from "./rpc/pipeline";
import { timelineService } from "./rpc/timeline";
import { AssignmentRules } from "./store/assignment";
import { createModels, outboxModels } from "./store/models";
import { Pipelines } from "./store/pipelines";
import { purgeRecycleBin, salesRepositories } from "./store/repositories";
import { Conversions } from "./workflows/conversion";
import { competitorService } from "./rpc/competitors";
import { proposalService } from "./rpc/proposals";
import { ProposalProfiles } from "./store/proposal-profiles";
import { toQuote } from "./codec/commerce";
import { commerceOutboxModels, commerceRepositories, commerceSequence, createCommerceModels } from "./store/commerce";
import { orderService } from "./rpc/orders";
import { priceListService } from "./rpc/price-lists";
import { productService } from "./rpc/products";
import { quoteService } from "./rpc/quotes";
import { QuoteBook, QUOTE_EXPIRY_DURABLE } from "./workflows/quotes";
import { QuotaServiceService } from "@relata/proto/reporting/v1/quota";
import { forecastService } from "./rpc/forecast";
import { territoryService } from "./rpc/territories";
import { ReportingQuotas } from "./store/reporting-quotas";
import { Territories } from "./workflows/territories";

/** Variables the Sales service reads beyond the platform's common ones. */
export const salesEnv = {
  /**
   * Publish the events waiting in the outboxes. When false the service still writes every
   * event to its document's outbox but publishes nothing: operators can run the relay on
   * selected replicas only, and tests use it to show a crash before publishing loses nothing.
   */
  OUTBOX_RELAY_ENABLED: env.flag(true),
  /**
   * How often the relay sweeps every collection for events left unpublished (after a crash, or
   * a publish that failed while NATS was away). Writes publish their own events right away, so
   * the sweep is a safety net: once a minute bounds how late a leftover goes out while costing
   * one scan of each collection per minute per replica. A failed publish brings the next sweep
   * forward (5 s, doubling while it fails).
   */
  OUTBOX_SWEEP_INTERVAL_MS: env.durationMs(60_000),
  /**
   * The durable name of the timeline consumer. Replicas of one deployment share it (each event
   * is handled by one of them); a second deployment on the same NATS needs its own.
   */
  TIMELINE_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(TIMELINE_DURABLE),
  /** The durable name of the consumer making leads of Marketing's interested responses (as TIMELINE_DURABLE: one per deployment). */
  MARKETING_LEADS_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(MARKETING_LEADS_DURABLE),
  /** The durable name of the consumer applying Marketing's lead scores (one per deployment). */
  LEAD_SCORES_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(LEAD_SCORES_DURABLE),
  /** A conversion claimed longer ago than this and not finished is completed by the sweep. */
  CONVERSION_SWEEP_AFTER_MS: env.durationMs(30_000),
  /**
   * How often the recycle bin is purged of what was deleted more than 30 days ago (also once at
   * start). Each purge scans the collections, so it runs rarely; a record past the window can
   * no longer be restored whether or not it has been purged yet.
   */
  RECYCLE_BIN_PURGE_INTERVAL_MS: env.durationMs(6 * 60 * 60 * 1000),
  /** The durable name of the consumer expiring quotes when their schedules fire (one per deployment). */
  QUOTE_EXPIRY_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(QUOTE_EXPIRY_DURABLE),
  /**
   * Tests only: a quote's expiry schedule fires this many ms after it is set instead of at the
   * start of the day after its valid_until (still through NATS). 0, the default: never.
   */
  QUOTE_EXPIRY_TEST_DELAY_MS: z.coerce.number().int().min(0).default(0),
  /** Reporting's gRPC address: the forecast reads its quotas (QuotaService.ListQuotas). */
  REPORTING_GRPC_ADDR: z.string().min(1).default("127.0.0.1:50055"),
  /** How long the forecast waits for Reporting's quotas before answering without them (quotasAvailable: false). */
  FORECAST_QUOTA_TIMEOUT_MS: env.durationMs(2_000),
};

export type SalesService = RunningService<typeof salesEnv>;

/**
 * The composition root: models on the service's own database, the SALES stream, the outbox
 * relay, the timeline consumer, the sweep of interrupted conversions and the seven gRPC
 * services. runService supplies config, logs, health, the database, NATS and shutdown.
 */
export function startSales(): Promise<SalesService> {
  return runService({
    name: "sales",
    env: salesEnv,
    start: async ({ config, db, bus, logger }) => {
      const models = createModels(db);
      const commerceModels = createCommerceModels(db);
      await ensureIndexes(db);
      await bus.ensureStream(SALES_STREAM);

      // With the relay off the sweeps still count the backlog for the metrics, and publish nothing.
      const { relay, publish } = startOutboxRelay(bus, [...outboxModels(models), ...commerceOutboxModels(commerceModels)], logger, {
        publish: config.OUTBOX_RELAY_ENABLED,
        sweepIntervalMs: config.OUTBOX_SWEEP_INTERVAL_MS,
      });

      const repos = salesRepositories(models, publish);
      const pipelines = new Pipelines(models.pipelines);
      const conversions = new Conversions(repos, models, pipelines);
      const assignmentRules = new AssignmentRules(models.assignmentRules);
      const commerce = commerceRepositories(commerceModels, publish);
      const reportingChannel = openChannel(config.REPORTING_GRPC_ADDR);
      const quotas = new ReportingQuotas(promiseClient(QuotaServiceService, reportingChannel, { defaultTimeoutMs: config.FORECAST_QUOTA_TIMEOUT_MS }), config.FORECAST_QUOTA_TIMEOUT_MS);
      const deps: SalesDeps = {
        repos,
        pipelines,
        assignmentRules,
        conversions,
        logger,
        proposalProfiles: new ProposalProfiles(models.proposalProfiles),
        loadQuote: async (ctx, id) => toQuote(await commerce.quotes.in(ctx).get(id)),
        territories: new Territories(repos),
        quotas,
        opportunityDependents: [dependentsBy(commerce.orders, "opportunityId")],
      };

      const timeline = await startTimelineConsumer(bus, models.timeline, logger.child({ component: "timeline" }), config.TIMELINE_DURABLE);
      // Marketing's interested responses become leads, and its scores reach them (both wait for the MARKETING stream).
      const marketingLeads = await startMarketingLeadsConsumer(bus, repos, models, assignmentRules, logger.child({ component: "marketing-leads" }), config.MARKETING_LEADS_DURABLE);
      const leadScores = await startLeadScoresConsumer(bus, repos, logger.child({ component: "lead-scores" }), config.LEAD_SCORES_DURABLE);

      const sweepLogger = logger.child({ component: "conversion-sweep" });
      const sweep = () => void conversions.resumeInterrupted(config.CONVERSION_SWEEP_AFTER_MS, sweepLogger).catch((err: unknown) => {
        sweepLogger.warn({ err: String(err) }, "conversion sweep failed; will retry");
      });
      const sweeper = setInterval(sweep, Math.max(5_000, config.CONVERSION_SWEEP_AFTER_MS));
      sweeper.unref();
      sweep();

      const commerceDeps = {
        ...deps,
        commerce,
        commerceModels,
        numbers: commerceSequence(db),
        bus,
        expiryTestDelayMs: config.QUOTE_EXPIRY_TEST_DELAY_MS,
      };
      const quoteBook = new QuoteBook(commerceDeps);
      const quoteExpiry = await quoteBook.startExpiryClock(logger.child({ component: "quote-expiry" }), config.QUOTE_EXPIRY_DURABLE);

      const stopPurge = startRecycleBinPurge(
        {
          records: { purgeDeleted: () => purgeRecycleBin(repos) },
          catalogue: { purgeDeleted: async () => (await commerce.products.purgeDeleted()) + (await commerce.priceLists.purgeDeleted()) },
        },
        config.RECYCLE_BIN_PURGE_INTERVAL_MS,
        logger,
      );

      return {
        services: [
          accountService(deps),
          contactService(deps),
          leadService(deps),
          opportunityService(deps),
          pipelineService(deps),
          activityService(deps),
          timelineService(deps),
          bulkService(deps),
          competitorService(deps),
          proposalService(deps),
          productService(commerceDeps),
          priceListService(commerceDeps),
          quoteService(commerceDeps, quoteBook),
          orderService(commerceDeps),
          territoryService(deps),
          forecastService(deps),
        ],
        // After the gRPC server has drained: nothing may write once the connection closes.
        stop: async () => {
          clearInterval(sweeper);
          stopPurge();
          await timeline.stop();
          await Promise.all([marketingLeads.stop(), leadScores.stop()]);
          await quoteExpiry.stop();
          await relay.stop();
          reportingChannel.close();
        },
      };
    },
  });
}

if (require.main === module) {
  startSales().catch((err: unknown) => {
    process.stderr.write(`sales: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}

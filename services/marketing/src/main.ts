// Tracing first: the instrumentations patch grpc and mongodb before they are loaded.
import "@relata/platform/register";
import { ensureIndexes, env, type RunningService, runService, startOutboxRelay, startRecycleBinPurge } from "@relata/platform";
import { MARKETING_STREAM, SALES_STREAM } from "./events/stream";
import { Audience } from "./audience";
import { segmentService } from "./rpc/segments";
import { campaignService } from "./rpc/campaigns";
import { callListService } from "./rpc/call-lists";
import { surveyService } from "./rpc/surveys";
import { UnsubscribeLinks, MIN_SECRET_LENGTH } from "./consent/links";
import { consentService } from "./rpc/consent";
import { marketingListService } from "./rpc/list";
import { resultsService } from "./rpc/results";
import { startAttribution } from "./events/attribution";
import { startConsentUnsubscribes } from "./workflows/consent-unsubscribes";
import type { MarketingDeps } from "./rpc/context";
import { createModels, outboxModels } from "./store/models";
import { marketingRepositories } from "./store/repositories";
import { CampaignClock, CAMPAIGN_CLOCK_DURABLE } from "./workflows/campaign-clock";
import { responseService } from "./rpc/responses";
import { scoringRuleService } from "./rpc/scoring";
import { LEAD_SCORING_DURABLE, startScoringConsumers } from "./events/score-consumers";
import { LeadScores } from "./workflows/score";
import { z } from "zod";

/** Variables Marketing reads beyond the platform's common ones. */
export const marketingEnv = {
  /**
   * Publish the events waiting in the outboxes. When false the service still writes every
   * event to its document's outbox but publishes nothing (relay on selected replicas only).
   */
  OUTBOX_RELAY_ENABLED: env.flag(true),
  /** How often the relay sweeps the collections for events left unpublished (after a crash). */
  OUTBOX_SWEEP_INTERVAL_MS: env.durationMs(60_000),
  /** How often the recycle bin is purged of what was deleted more than 30 days ago (also at start). */
  RECYCLE_BIN_PURGE_INTERVAL_MS: env.durationMs(6 * 60 * 60 * 1000),
  /** The campaign clock's durable consumer (replicas share it; a second deployment on the same NATS, or a test, takes its own). */
  CAMPAIGN_CLOCK_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(CAMPAIGN_CLOCK_DURABLE),
  /**
   * The HMAC-SHA256 key of the unsubscribe links (at least 32 characters). Only Marketing holds
   * it; changing it invalidates every link already sent.
   */
  UNSUBSCRIBE_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`),
  /** The durable name of the lead-scoring consumer of Sales' lead events; its consumer of responses adds "-responses" (one per deployment). */
  LEAD_SCORING_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(LEAD_SCORING_DURABLE),
  /**
   * How often every scored lead is recomputed for the decay of its behaviours' points (a scan of
   * lead_scores; a score is sent only when its rounded value changed). Daily: half-lives are days.
   */
  LEAD_SCORE_DECAY_INTERVAL_MS: env.durationMs(24 * 60 * 60 * 1000),
  /**
   * The audience's DuckDB file, one per replica (never shared: DuckDB locks it), rebuilt from the
   * streams when missing. The chart puts it on an emptyDir volume; the default, ":memory:",
   * rebuilds it at every start (the local stack, tests that run several processes).
   */
  AUDIENCE_DB_PATH: z.string().min(1).default(":memory:"),
  /** DuckDB's share of the machine for the audience. */
  AUDIENCE_DB_THREADS: z.coerce.number().int().min(1).max(64).default(2),
  AUDIENCE_DB_MEMORY_LIMIT: z.string().regex(/^\d+(\.\d+)?\s*[KMGT]i?B$/i, "must be a size such as 512MB").default("512MB"),
};

export type MarketingService = RunningService<typeof marketingEnv>;

/**
 * The composition root: models on the service's own database, the MARKETING stream, the outbox
 * relay, the consumers and the gRPC services. runService supplies config, logs, health, the
 * database, NATS and shutdown.
 */
export function startMarketing(): Promise<MarketingService> {
  return runService({
    name: "marketing",
    env: marketingEnv,
    start: async ({ config, db, bus, logger }) => {
      const models = createModels(db);
      await ensureIndexes(db);
      await bus.ensureStream(MARKETING_STREAM);
      await bus.ensureStream(SALES_STREAM);

      const { relay, publish } = startOutboxRelay(bus, outboxModels(models), logger, {
        publish: config.OUTBOX_RELAY_ENABLED,
        sweepIntervalMs: config.OUTBOX_SWEEP_INTERVAL_MS,
      });

      const repos = marketingRepositories(models, publish);

      // Every resource with a recycle bin, purged of what was deleted more than 30 days ago.
      const stopPurge = startRecycleBinPurge(
        { campaigns: repos.campaigns, segments: repos.segments, "marketing lists": repos.marketingLists, "scoring rules": repos.scoringRules },
        config.RECYCLE_BIN_PURGE_INTERVAL_MS,
        logger,
      );

      // Serves at once; until it has caught up with the streams a preview says so (audience_caught_up).
      const audience = await Audience.open({
        path: config.AUDIENCE_DB_PATH,
        bus,
        logger,
        models,
        threads: config.AUDIENCE_DB_THREADS,
        memoryLimit: config.AUDIENCE_DB_MEMORY_LIMIT,
      });
      const unsubscribeLinks = new UnsubscribeLinks(config.UNSUBSCRIBE_SECRET);
      const deps: MarketingDeps = { repos, models, publish, bus, logger, audience, unsubscribeLinks };

      await startConsentUnsubscribes(bus, models, publish, logger.child({ component: "consent-unsubscribes" }));
      await startAttribution(bus, models, logger.child({ component: "attribution" }));

      const scoreLogger = logger.child({ component: "lead-scoring" });
      const scores = new LeadScores(models.leadScores, models.scoringRules, publish);
      const scoring = await startScoringConsumers(bus, scores, scoreLogger, config.LEAD_SCORING_DURABLE);
      const rescore = (tenantId?: string) =>
        void scores.rescoreAll(tenantId).then(
          (sent) => scoreLogger.info({ tenantId, sent }, "lead scores recomputed"),
          (err: unknown) => scoreLogger.warn({ tenantId, err: String(err) }, "recomputing lead scores failed; the next sweep retries"),
        );
      const decay = setInterval(() => rescore(), config.LEAD_SCORE_DECAY_INTERVAL_MS);
      decay.unref();

      // Launches and completes campaigns when their schedules fire (also those fired while down).
      const campaignClock = await new CampaignClock(bus, deps, logger.child({ component: "campaign-clock" }), config.CAMPAIGN_CLOCK_DURABLE).start();

      return {
        services: [campaignService(deps), segmentService(deps, audience), callListService(deps), surveyService(deps), consentService(deps), marketingListService(deps), resultsService(deps), responseService(deps), scoringRuleService(deps, rescore)],
        // After the gRPC server has drained: nothing may write once the connection closes.
        stop: async () => {
          stopPurge();
          clearInterval(decay);
          await scoring.stop();
          await campaignClock.stop();
          await relay.stop();
          await audience.close();
        },
      };
    },
  });
}

if (require.main === module) {
  startMarketing().catch((err: unknown) => {
    process.stderr.write(`marketing: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}

// Tracing first: the instrumentations patch grpc and mongodb before they are loaded.
import "@relata/platform/register";
import { z } from "zod";
import { ensureIndexes, env, type RunningService, runService, startOutboxRelay, startRecycleBinPurge } from "@relata/platform";
import { CASE_COPY_DURABLE, startCaseCopyConsumer } from "./events/cases";
import { KNOWLEDGE_STREAM, SERVICE_STREAM } from "./events/stream";
import { articleService } from "./rpc/articles";
import { caseArticleService } from "./rpc/case-links";
import type { KnowledgeDeps } from "./rpc/context";
import { createModels, outboxModels } from "./store/models";
import { SEARCH_INDEX_DURABLE, startSearchIndexConsumer } from "./events/search-index";
import { searchService } from "./rpc/search";
import { searchClient } from "./search/engine";
import { ArticleIndex } from "./search/index";
import { knowledgeRepositories } from "./store/repositories";

const durableName = (fallback: string) => z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(fallback);

/** Variables the Knowledge-Base reads beyond the platform's common ones. */
export const knowledgeEnv = {
  /**
   * Publish the events waiting in the outboxes. When false the service still writes every
   * event to its document's outbox but publishes nothing (relay on selected replicas only).
   */
  OUTBOX_RELAY_ENABLED: env.flag(true),
  /** How often the relay sweeps the collections for events left unpublished (after a crash). */
  OUTBOX_SWEEP_INTERVAL_MS: env.durationMs(60_000),
  /** How often the recycle bin is purged of what was deleted more than 30 days ago (also at start). */
  RECYCLE_BIN_PURGE_INTERVAL_MS: env.durationMs(6 * 60 * 60 * 1000),
  /** The durable name of the consumer that keeps the local copy of the Service's cases (replicas share it). */
  CASE_COPY_DURABLE: durableName(CASE_COPY_DURABLE),
  /** The OpenSearch cluster the articles are searched in (the local stack's, or the chart's). */
  OPENSEARCH_URL: env.url().default("http://127.0.0.1:9200"),
  /** Basic-auth credentials of the cluster, when it asks for them (both or neither). */
  OPENSEARCH_USERNAME: z.string().default(""),
  OPENSEARCH_PASSWORD: z.string().default(""),
  /** The alias searches and the index consumer use; a rebuild moves it to a new index. */
  SEARCH_INDEX_ALIAS: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,100}$/, "lower-case letters, digits, '-' and '_'").default("relata-knowledge-articles"),
  /** The durable name of the consumer that feeds the search index (replicas share it). */
  SEARCH_INDEX_DURABLE: durableName(SEARCH_INDEX_DURABLE),
};

export type KnowledgeService = RunningService<typeof knowledgeEnv>;

/**
 * The composition root: models on the service's own database, the KNOWLEDGE stream, the outbox
 * relay, the consumers and the gRPC services. runService supplies config, logs, health, the
 * database, NATS and shutdown.
 */
export function startKnowledge(): Promise<KnowledgeService> {
  return runService({
    name: "knowledge",
    env: knowledgeEnv,
    start: async ({ config, db, bus, logger }) => {
      const models = createModels(db);
      await ensureIndexes(db);
      await bus.ensureStream(KNOWLEDGE_STREAM);
      await bus.ensureStream(SERVICE_STREAM);

      const { relay, publish } = startOutboxRelay(bus, outboxModels(models), logger, {
        publish: config.OUTBOX_RELAY_ENABLED,
        sweepIntervalMs: config.OUTBOX_SWEEP_INTERVAL_MS,
      });

      const repos = knowledgeRepositories(models, publish);
      const deps: KnowledgeDeps = { repos, models, publish, logger };

      const stopPurge = startRecycleBinPurge({ articles: repos.articles }, config.RECYCLE_BIN_PURGE_INTERVAL_MS, logger);

      const caseCopies = await startCaseCopyConsumer(bus, models.caseCopies, logger.child({ component: "case-copy" }), config.CASE_COPY_DURABLE);

      // The engine may be down now: nothing here waits for it; the consumer makes the index when it can.
      const engine = searchClient(
        config.OPENSEARCH_URL,
        config.OPENSEARCH_USERNAME ? { username: config.OPENSEARCH_USERNAME, password: config.OPENSEARCH_PASSWORD } : undefined,
      );
      const index = new ArticleIndex(engine, config.SEARCH_INDEX_ALIAS);
      const indexer = await startSearchIndexConsumer(bus, index, logger.child({ component: "search-index" }), config.SEARCH_INDEX_DURABLE);

      return {
        services: [articleService(deps), caseArticleService(deps), searchService(deps, index, bus)],
        // After the gRPC server has drained: nothing may write once the connection closes.
        stop: async () => {
          await indexer.stop();
          await caseCopies.stop();
          stopPurge();
          await relay.stop();
          await engine.close();
        },
      };
    },
  });
}

if (require.main === module) {
  startKnowledge().catch((err: unknown) => {
    process.stderr.write(`knowledge: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}

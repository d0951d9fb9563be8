// Rebuilds the search index from the KNOWLEDGE stream's article events (`make knowledge-reindex`):
// a new index is filled by replay and the alias moved to it. Reads the service's own variables
// (NATS_URL, OPENSEARCH_URL, OPENSEARCH_USERNAME/PASSWORD, SEARCH_INDEX_ALIAS).
import { createLogger, EventBus } from "@relata/platform";
import { rebuildSearchIndex } from "./search/rebuild";
import { searchClient } from "./search/engine";
import { ArticleIndex } from "./search/index";

async function main(): Promise<void> {
  const logger = createLogger("knowledge-reindex", process.env.LOG_LEVEL ?? "info");
  const bus = await EventBus.connect(process.env.NATS_URL ?? "nats://127.0.0.1:4222", "knowledge-reindex", logger);
  const username = process.env.OPENSEARCH_USERNAME ?? "";
  const engine = searchClient(process.env.OPENSEARCH_URL ?? "http://127.0.0.1:9200", username ? { username, password: process.env.OPENSEARCH_PASSWORD ?? "" } : undefined);
  try {
    const { index, events } = await rebuildSearchIndex(bus, new ArticleIndex(engine, process.env.SEARCH_INDEX_ALIAS || "relata-knowledge-articles"), logger);
    process.stdout.write(`search index rebuilt: ${index} from ${events} article events\n`);
  } finally {
    await engine.close();
    await bus.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`knowledge-reindex: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

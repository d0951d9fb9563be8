import type { ConsumerLoop, EventBus, Logger } from "@relata/platform";
import { ArticleChanged } from "@relata/proto/events/v1/knowledge";
import type { ArticleIndex } from "../search/index";
import { indexOperation } from "../search/index";
import { statusOf } from "../search/engine";
import { ARTICLE_CHANGED_SUBJECTS } from "./builders";
import { KNOWLEDGE_STREAM } from "./stream";

/** The durable consumer that feeds the search index from the service's own article events. */
export const SEARCH_INDEX_DURABLE = "knowledge-search-index";

/**
 * While the engine is down every event is put back with a growing delay (up to 30 s) and tried
 * again, for as long as it takes: none is set aside, so the index catches up when it returns.
 */
const SEARCH_MAX_DELIVER = 1_000_000;
export const searchRetryDelay = (attempt: number): number => Math.min(30_000, 500 * 2 ** Math.min(attempt - 1, 6));

export function startSearchIndexConsumer(bus: EventBus, index: ArticleIndex, logger: Logger, durable = SEARCH_INDEX_DURABLE): Promise<ConsumerLoop<ArticleChanged>> {
  let ready = false;
  return bus.consume<ArticleChanged>({
    stream: KNOWLEDGE_STREAM.name,
    durable,
    filterSubjects: ARTICLE_CHANGED_SUBJECTS,
    decode: (data) => ArticleChanged.decode(data),
    maxDeliver: SEARCH_MAX_DELIVER,
    retryDelayMs: searchRetryDelay,
    handle: async ({ event, subject }) => {
      // The index is made on the first event the engine takes (it may be down at start).
      if (!ready) {
        await index.ensure();
        ready = true;
      }
      const op = indexOperation(event);
      if (!op) return;
      try {
        await index.apply(op);
      } catch (err) {
        // The alias is gone (a cluster emptied by hand): made again on the next delivery.
        if (statusOf(err) === 404) ready = false;
        throw err;
      }
      logger.debug({ subject, id: op.id, version: op.version, kind: op.kind }, "search index updated");
    },
  });
}

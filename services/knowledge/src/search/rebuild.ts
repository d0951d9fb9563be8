import type { EventBus, Logger } from "@relata/platform";
import { DeliverPolicy } from "@nats-io/jetstream";
import { ArticleChanged } from "@relata/proto/events/v1/knowledge";
import { ARTICLE_CHANGED_SUBJECTS } from "../events/builders";
import { KNOWLEDGE_STREAM } from "../events/stream";
import { indexOperation, type ArticleIndex, type IndexOperation } from "./index";

const BATCH = 500;

/**
 * Replays the article events of the KNOWLEDGE stream from `fromSeq` to `toSeq` into `index`,
 * in order, in bulk requests. Returns how many events it applied.
 */
async function replay(bus: EventBus, articles: ArticleIndex, index: string, fromSeq: number, toSeq: number): Promise<number> {
  if (toSeq < fromSeq) return 0;
  const consumer = await bus.js.consumers.get(KNOWLEDGE_STREAM.name, {
    filter_subjects: ARTICLE_CHANGED_SUBJECTS,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: fromSeq,
  });
  let applied = 0;
  let batch: IndexOperation[] = [];
  try {
    for (;;) {
      const messages = await consumer.fetch({ max_messages: BATCH, expires: 2_000 });
      let last = 0;
      let any = false;
      for await (const m of messages) {
        any = true;
        last = m.seq;
        if (m.seq > toSeq) break;
        const op = indexOperation(ArticleChanged.decode(m.data));
        if (op) batch.push(op);
        applied++;
      }
      await articles.applyAll(batch, index);
      batch = [];
      if (!any || last >= toSeq) break;
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
  return applied;
}

/**
 * Rebuilds the search index from the service's own events: a new index is filled by replaying
 * every article event, the alias moves to it in one step (searches never see a half-built
 * index), and the events published meanwhile are replayed again into it (the live consumer
 * wrote those to the old index). External versions make every replay idempotent.
 */
export async function rebuildSearchIndex(bus: EventBus, articles: ArticleIndex, logger: Logger): Promise<{ index: string; events: number }> {
  const index = await articles.createIndex();
  const firstEnd = (await bus.jsm.streams.info(KNOWLEDGE_STREAM.name)).state.last_seq;
  let events = await replay(bus, articles, index, 1, firstEnd);
  await articles.refresh(index);
  await articles.moveAliasTo(index);
  const secondEnd = (await bus.jsm.streams.info(KNOWLEDGE_STREAM.name)).state.last_seq;
  events += await replay(bus, articles, index, firstEnd + 1, secondEnd);
  await articles.refresh(index);
  logger.info({ index, events }, "search index rebuilt from the article events");
  return { index, events };
}

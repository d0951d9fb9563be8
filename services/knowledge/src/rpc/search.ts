import { actorOf, buildEvent, id, implement, text, validate, type CallContext, type EventBus, type ServiceRegistration } from "@relata/platform";
import { SearchNoResults, SearchPerformed } from "@relata/proto/events/v1/knowledge";
import { ArticleSearchServiceService, type SearchHit } from "@relata/proto/knowledge/v1/search";
import { protoEnum } from "@relata/platform";
import { z } from "zod";
import { SUBJECTS } from "../events/stream";
import { articleVisibility, LANGUAGE_TAG } from "../resources";
import { engineCall } from "../search/engine";
import type { ArticleIndex } from "../search/index";
import { decodeCursor, encodeCursor, highlightsOf, searchBody, suggestBody } from "../search/queries";
import { knownCase } from "./case-links";
import { audience } from "./access";
import type { KnowledgeDeps } from "./context";

const language = () => text(35).refine((v) => v === "" || LANGUAGE_TAG.regex.test(v), LANGUAGE_TAG.message);

const SearchInput = z.object({
  query: z.string().trim().min(1, "is required").max(500, "at most 500 characters"),
  category: text(100),
  language: language(),
  product: text(200),
  visibility: protoEnum(articleVisibility, { required: false }),
  pageSize: z.number().int().min(0).max(50, "at most 50"),
  cursor: text(500),
});

const SuggestInput = z.object({ caseId: id(), language: language(), limit: z.number().int().min(0).max(20, "at most 20") });

export const searchSchemas = { searchArticles: SearchInput, suggestArticles: SuggestInput };

interface EngineHit {
  _score: number | null;
  _source: { articleId: string; title: string; summary: string; category?: string; language: string; product?: string; visibility: string; publishedVersion: number };
  highlight?: Record<string, string[]>;
  sort?: unknown[];
}

const toHit = (h: EngineHit): SearchHit => ({
  articleId: h._source.articleId,
  title: h._source.title,
  summary: h._source.summary ?? "",
  category: h._source.category ?? "",
  language: h._source.language,
  product: h._source.product ?? "",
  visibility: articleVisibility.toProto(h._source.visibility === "public" ? "public" : "internal"),
  publishedVersion: h._source.publishedVersion,
  score: h._score ?? 0,
  highlights: highlightsOf(h.highlight),
});

export function searchService({ models, logger }: KnowledgeDeps, index: ArticleIndex, bus: EventBus): ServiceRegistration {
  /**
   * A search, for Reporting: `knowledge.search.performed` with what it found, and
   * `knowledge.search.no_results` too when that is nothing. Published as it happens (a search
   * writes nothing to keep); a failed publish loses the report, never the search.
   */
  async function reportSearch(ctx: CallContext, q: { query: string; language: string; category: string; product: string }, resultCount: number): Promise<void> {
    const actor = actorOf(ctx);
    const at = new Date();
    const events = [buildEvent(SUBJECTS.searchPerformed, actor.tenantId, actor, at, (meta) => SearchPerformed.encode({ meta, ...q, resultCount }).finish())];
    if (resultCount === 0) events.push(buildEvent(SUBJECTS.searchNoResults, actor.tenantId, actor, at, (meta) => SearchNoResults.encode({ meta, ...q }).finish()));
    for (const event of events) {
      await bus.publish(event.subject, event.data, { msgId: event.id, headers: event.headers }).catch((err: unknown) => {
        logger.warn({ err: String(err) }, `could not publish ${event.subject}`);
      });
    }
  }

  return implement(
    ArticleSearchServiceService,
    {
      async searchArticles(request, ctx) {
        const input = validate(SearchInput, request);
        const actor = actorOf(ctx);
        const body = searchBody({
          tenantId: actor.tenantId,
          query: input.query,
          category: input.category || undefined,
          language: input.language || undefined,
          product: input.product || undefined,
          visibility: input.visibility ?? undefined,
          publicOnly: audience(ctx) === "public",
          size: input.pageSize || 10,
          after: input.cursor ? decodeCursor(input.cursor) : undefined,
        });
        const res = await engineCall(() => index.client.search({ index: index.alias, body: body as never }));
        const result = res.body as unknown as {
          hits: { total: { value: number }; hits: EngineHit[] };
          aggregations?: { categories?: { buckets: { key: string; doc_count: number }[] } };
        };
        const hits = result.hits.hits;
        const size = input.pageSize || 10;
        const last = hits[hits.length - 1];
        const total = result.hits.total.value;
        // A further page of the same search is no new search.
        if (!input.cursor) {
          await reportSearch(ctx, { query: input.query, language: input.language, category: input.category, product: input.product }, total);
        }
        return {
          hits: hits.map(toHit),
          total,
          categories: (result.aggregations?.categories?.buckets ?? []).map((b) => ({ category: b.key, count: b.doc_count })),
          nextCursor: hits.length === size && last?.sort ? encodeCursor(last.sort) : "",
        };
      },

      async suggestArticles(request, ctx) {
        const input = validate(SuggestInput, request);
        const actor = actorOf(ctx);
        const c = await knownCase(models.caseCopies, actor.tenantId, input.caseId);
        const text = `${c.subject}\n${c.description}`.trim();
        if (!text) return { hits: [] };
        const body = suggestBody({
          tenantId: actor.tenantId,
          text,
          language: input.language || undefined,
          product: c.product || undefined,
          publicOnly: audience(ctx) === "public",
          size: input.limit || 5,
        });
        const res = await engineCall(() => index.client.search({ index: index.alias, body: body as never }));
        return { hits: (res.body as unknown as { hits: { hits: EngineHit[] } }).hits.hits.map(toHit) };
      },
    },
    logger,
  );
}

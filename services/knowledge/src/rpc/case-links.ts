import { actorOf, id, implement, isDuplicateKey, NotFound, validate, type CallContext, type ServiceRegistration } from "@relata/platform";
import { CaseArticleServiceService, type CaseArticleLink } from "@relata/proto/knowledge/v1/case_link";
import { z } from "zod";
import { servedRecord, toArticle } from "../codec/mappers";
import { linkEvent } from "../events/builders";
import type { CaseCopyRecord, CaseLinkRecord } from "../store/models";
import { audience } from "./access";
import type { KnowledgeDeps } from "./context";

const LinkInput = z.object({ caseId: id(), articleId: id() });
const ListInput = z.object({ caseId: id() });

export const caseLinkSchemas = { linkArticle: LinkInput, listLinkedArticles: ListInput };

/** The case as the local copy knows it (from the Service's events); NotFound when it has none or it was deleted. */
export async function knownCase(copies: KnowledgeDeps["models"]["caseCopies"], tenantId: string, caseId: string): Promise<CaseCopyRecord> {
  const copy = await copies.findOne({ _id: `${tenantId}/${caseId}`, tenantId }).lean<CaseCopyRecord>();
  if (!copy || copy.deleted) throw new NotFound("case", caseId);
  return copy;
}

export function caseArticleService({ repos, models, publish, logger }: KnowledgeDeps): ServiceRegistration {
  async function answer(link: CaseLinkRecord, ctx: CallContext): Promise<CaseArticleLink | null> {
    const record = await repos.articles.in(ctx).find(link.articleId);
    const served = record && servedRecord(record, audience(ctx));
    if (!served) return null;
    return { caseId: link.caseId, articleId: link.articleId, linkedBy: link.linkedBy, linkedAt: link.linkedAt.toISOString(), article: toArticle(served) };
  }

  return implement(
    CaseArticleServiceService,
    {
      async linkArticle(request, ctx) {
        const input = validate(LinkInput, request);
        const actor = actorOf(ctx);
        await knownCase(models.caseCopies, actor.tenantId, input.caseId);
        const record = await repos.articles.in(ctx).require(input.articleId, "article_id");
        if (!servedRecord(record, audience(ctx))) throw new NotFound("article", input.articleId);
        const link: CaseLinkRecord = {
          _id: `${actor.tenantId}/${input.caseId}:${input.articleId}`,
          tenantId: actor.tenantId,
          caseId: input.caseId,
          articleId: input.articleId,
          linkedBy: actor.actorId,
          linkedAt: new Date(),
        };
        try {
          await models.caseLinks.create([{ ...link, outbox: [linkEvent(link, actor)] }]);
          publish(models.caseLinks, link._id);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          // Linked before: the link as it is.
          const held = await models.caseLinks.findOne({ _id: link._id, tenantId: actor.tenantId }, { outbox: 0 }).lean<CaseLinkRecord>();
          if (held) return (await answer(held, ctx))!;
        }
        return (await answer(link, ctx))!;
      },

      async listLinkedArticles(request, ctx) {
        const input = validate(ListInput, request);
        const actor = actorOf(ctx);
        await knownCase(models.caseCopies, actor.tenantId, input.caseId);
        const links = await models.caseLinks.find({ tenantId: actor.tenantId, caseId: input.caseId }, { outbox: 0 }).sort({ linkedAt: 1 }).limit(200).lean<CaseLinkRecord[]>();
        const answered = await Promise.all(links.map((l) => answer(l, ctx)));
        return { links: answered.filter((l): l is CaseArticleLink => l !== null) };
      },
    },
    logger,
  );
}

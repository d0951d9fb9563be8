import { id, implement, protoEnum, requiredText, validate, type ServiceRegistration } from "@relata/platform";
import { CaseCommentServiceService } from "@relata/proto/service/v1/comment";
import { z } from "zod";
import { commentVisibility, toComment } from "../codec/case-mappers";
import { firstResponseAt, MAX_COMMENT_BODY } from "../domain/comment";
import { publicReplyEvent } from "../events/case-events";
import type { ServiceDeps } from "./context";

const AddCaseCommentInput = z.object({
  caseId: id(),
  visibility: protoEnum(commentVisibility, { required: true }),
  body: requiredText(MAX_COMMENT_BODY),
  idempotencyKey: z.string().default(""),
});

const ListCaseCommentsInput = z.object({ caseId: id(), visibility: protoEnum(commentVisibility, { required: false }) });

/** The request schemas, by RPC (exported for tests). */
export const commentSchemas = { addCaseComment: AddCaseCommentInput, listCaseComments: ListCaseCommentsInput };

export function commentService({ repos, logger }: ServiceDeps): ServiceRegistration {
  return implement(
    CaseCommentServiceService,
    {
      /**
       * The comment first, then, for a public reply, the case: the first reply sets its
       * first_responded_at, and every reply is reported from the case's document (the event
       * carries the case as the SLA clocks read it). A retry with the same Idempotency-Key finds
       * the comment and does the second step again, which sets nothing twice and publishes the
       * same event id.
       */
      async addCaseComment(request, ctx) {
        const input = validate(AddCaseCommentInput, request);
        const cases = repos.cases.in(ctx);
        await cases.get(input.caseId);
        const comment = await repos.comments.in(ctx).create({
          idempotencyKey: input.idempotencyKey,
          request: input,
          build: () => ({ caseId: input.caseId, visibility: input.visibility, body: input.body, authorId: ctx.identity.subject }),
          events: () => [],
        });
        if (comment.visibility === "public") {
          await cases.update(input.caseId, 0, (current) => {
            const respondedAt = firstResponseAt(current, "public", comment.createdAt);
            // Later replies change nothing clients see: the case's version (its ETag) stays.
            return {
              set: respondedAt ? { firstRespondedAt: respondedAt } : {},
              events: (next, actor) => [publicReplyEvent(next, comment, actor)],
              internal: !respondedAt,
            };
          });
        }
        return toComment(comment);
      },

      async listCaseComments(request, ctx) {
        const input = validate(ListCaseCommentsInput, request);
        await repos.cases.in(ctx).get(input.caseId);
        const where = { caseId: input.caseId, ...(input.visibility ? { visibility: input.visibility } : {}) };
        const { rows, nextCursor } = await repos.comments.in(ctx).list(where, request.page);
        return { comments: rows.map(toComment), page: { nextCursor } };
      },
    },
    logger,
  );
}

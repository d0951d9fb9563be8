import { id, implement, protoEnum, requiredText, validate, type ServiceRegistration } from "@relata/platform";
import { CaseCommentServiceService } from "@relata/proto/service/v1/comment";
import { z } from "zod";
import { commentVisibility, toComment } from "../codec/case-mappers";
import { MAX_COMMENT_BODY } from "../domain/comment";
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

export function commentService({ repos, replies, logger }: ServiceDeps): ServiceRegistration {
  return implement(
    CaseCommentServiceService,
    {
      /**
       * The comment first, then, for a public reply, the case (CommentReplies): a retry with the
       * same Idempotency-Key finds the comment and does the second step again, harmlessly.
       */
      async addCaseComment(request, ctx) {
        const input = validate(AddCaseCommentInput, request);
        const cases = repos.cases.in(ctx);
        await cases.get(input.caseId);
        const comment = await repos.comments.in(ctx).create({
          idempotencyKey: input.idempotencyKey,
          request: input,
          build: () => ({
            caseId: input.caseId,
            visibility: input.visibility,
            body: input.body,
            authorId: ctx.identity.subject,
            ...(input.visibility === "public" ? { replyPending: true } : {}),
          }),
          events: () => [],
        });
        if (comment.visibility === "public") await replies.applyToCase(ctx, comment);
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

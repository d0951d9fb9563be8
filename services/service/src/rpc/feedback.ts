import { actorOf, AlreadyExists, id, implement, insertOnce, NotFound, text, validate, type ServiceRegistration } from "@relata/platform";
import { CaseFeedbackServiceService } from "@relata/proto/service/v1/feedback";
import { z } from "zod";
import { toFeedback } from "../codec/case-mappers";
import { assertFeedbackAllowed, checkCsatScore, MAX_FEEDBACK_COMMENT, type FeedbackRecord } from "../domain/feedback";
import { csatGivenEvent } from "../events/case-events";
import type { ServiceDeps } from "./context";

const GiveCaseFeedbackInput = z.object({ caseId: id(), score: z.number().int(), comment: text(MAX_FEEDBACK_COMMENT) });
const GetCaseFeedbackInput = z.object({ caseId: id() });

/** The request schemas, by RPC (exported for tests). */
export const feedbackSchemas = { giveCaseFeedback: GiveCaseFeedbackInput, getCaseFeedback: GetCaseFeedbackInput };

export function feedbackService({ repos, models, publish, logger }: ServiceDeps): ServiceRegistration {
  const feedback = models.caseExtras.feedback;
  return implement(
    CaseFeedbackServiceService,
    {
      /**
       * Once per case, also under concurrency: the feedback's `_id` is the case's, and only one
       * insert of it can succeed (the one atomic step the local database has). The event goes in
       * the same document.
       */
      async giveCaseFeedback(request, ctx) {
        const input = validate(GiveCaseFeedbackInput, request);
        const score = checkCsatScore(input.score);
        const c = await repos.cases.in(ctx).get(input.caseId);
        assertFeedbackAllowed(c.status ?? "new");
        const record: FeedbackRecord = {
          _id: c._id,
          tenantId: ctx.identity.tenantId,
          score,
          comment: input.comment,
          givenBy: ctx.identity.subject,
          givenAt: new Date(),
        };
        const inserted = await insertOnce(feedback, { record, actor: actorOf(ctx), events: (r, a) => [csatGivenEvent(c, r, a)] }, publish);
        if (!inserted) throw new AlreadyExists(`case ${c._id} already has its feedback`, "case_id");
        return toFeedback(record);
      },

      async getCaseFeedback(request, ctx) {
        const { caseId } = validate(GetCaseFeedbackInput, request);
        await repos.cases.in(ctx).get(caseId);
        const found = await feedback.findOne({ _id: caseId, tenantId: ctx.identity.tenantId }, { outbox: 0 }).lean<FeedbackRecord>();
        if (!found) throw new NotFound("feedback", caseId, `case ${caseId} has no feedback yet`);
        return toFeedback(found);
      },
    },
    logger,
  );
}

import { NotFound, type Actor, type CallerOrActor, type Logger } from "@relata/platform";
import type { Model } from "mongoose";
import { firstResponseAt, type CommentRecord } from "../domain/comment";
import { publicReplyEvent } from "../events/case-events";
import type { ServiceRepositories } from "../store/repositories";

/**
 * A public reply in two single-document writes: the comment (flagged `replyPending`), then the
 * case, which takes the first response time (the first reply only) and the reply's event in
 * its own outbox, since the event carries the case as the SLA clocks read it. Each step can be
 * done again: the case sets its first response once, and the event's id derives from the
 * comment's, so a repeat publishes a duplicate JetStream drops. A process stopped between the
 * two leaves the flag, and the sweep does the second step.
 */
export class CommentReplies {
  constructor(
    private readonly repos: ServiceRepositories,
    private readonly comments: Model<CommentRecord>,
  ) {}

  /** The second step: the case takes the reply; then the flag goes. A deleted case takes nothing. */
  async applyToCase(caller: CallerOrActor, comment: CommentRecord): Promise<void> {
    try {
      await this.repos.cases.in(caller).update(comment.caseId, 0, (current) => {
        const respondedAt = firstResponseAt(current, "public", comment.createdAt);
        // Later replies change nothing clients see: the case's version (its ETag) stays.
        return {
          set: respondedAt ? { firstRespondedAt: respondedAt } : {},
          events: (next, actor) => [publicReplyEvent(next, comment, actor)],
          internal: !respondedAt,
        };
      });
    } catch (err) {
      if (!(err instanceof NotFound)) throw err;
    }
    await this.comments.updateOne({ _id: comment._id, tenantId: comment.tenantId }, { $unset: { replyPending: 1 } });
  }

  /** Finishes the replies flagged longer ago than `olderThanMs`, as their authors. */
  async resumePending(olderThanMs: number, logger: Logger, batch = 100): Promise<number> {
    const cutoff = new Date(Date.now() - olderThanMs);
    const pending = await this.comments.find({ replyPending: true, createdAt: { $lt: cutoff } }).limit(batch).lean<CommentRecord[]>();
    for (const comment of pending) {
      const actor: Actor = { tenantId: comment.tenantId, actorId: comment.authorId, requestId: "" };
      await this.applyToCase(actor, comment);
      logger.info({ comment: comment._id, case: comment.caseId }, "finished a public reply a stopped process left half done");
    }
    return pending.length;
  }
}

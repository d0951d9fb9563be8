import {
  changedFields,
  implement,
  RecycleBinInput,
  recycleBinHandlers,
  text,
  validate,
  type CallerOrActor,
  type ServiceRegistration,
} from "@relata/platform";
import { resourceHandlers, resourceNameValue, serviceSchemas } from "@relata/platform/resource";
import { ActivityServiceService } from "@relata/proto/sales/v1/activity";
import { z } from "zod";
import { toActivity } from "../codec/mappers";
import { accountForTimeline, assertLinkable, decideCompletion, type LinkedRecord } from "../domain/activity";
import type { ActivityRecord, RecordRef } from "../domain/types";
import { activityEvent } from "../events/builders";
import { salesRestoreChecks } from "../store/repositories";
import { activity, ACTIVITY_TARGETS } from "../resources";
import type { SalesDeps } from "./context";

const described = serviceSchemas(activity);

/** The list's filters that are not fields: the record it relates to, and open ones only. */
const ActivityListExtras = z.object({
  relatedTo: z.object({ type: resourceNameValue(ACTIVITY_TARGETS, { required: false }), id: text() }).optional(),
  openOnly: z.boolean().default(false),
});

/** An update may also complete the activity (or reopen it). */
const ActivityCompletion = z.object({ completed: z.boolean().optional() });

/** The request schemas, by RPC (exported for tests). */
export const activitySchemas = {
  createActivity: described.create,
  getActivity: described.get,
  listActivities: ActivityListExtras.and(described.list),
  updateActivity: ActivityCompletion.and(described.update),
  deleteActivity: RecycleBinInput,
  restoreActivity: RecycleBinInput,
};

export function activityService({ repos, logger }: SalesDeps): ServiceRegistration {
  /** The linked record must exist in the caller's tenant; its account feeds the timeline. */
  async function linkedAccount(ctx: CallerOrActor, ref: RecordRef): Promise<string> {
    assertLinkable(ref.type);
    const field = "related_to.id";
    let linked: LinkedRecord;
    switch (ref.type) {
      case "sales.account":
        await repos.accounts.in(ctx).require(ref.id, field);
        linked = { type: "account", id: ref.id };
        break;
      case "sales.contact": {
        const c = await repos.contacts.in(ctx).require(ref.id, field);
        linked = { type: "contact", accountId: c.accountId };
        break;
      }
      case "sales.opportunity": {
        const o = await repos.opportunities.in(ctx).require(ref.id, field);
        linked = { type: "opportunity", accountId: o.accountId };
        break;
      }
      case "sales.lead": {
        const l = await repos.leads.in(ctx).require(ref.id, field);
        linked = { type: "lead", status: l.status, conversion: l.conversion };
        break;
      }
      default:
        return "";
    }
    return accountForTimeline(linked);
  }

  // Nothing depends on an activity; it comes back only beside the record it relates to.
  const bin = recycleBinHandlers(repos.activities, toActivity, activityEvent, { restore: salesRestoreChecks(repos).activity });

  // Create and get are generic; a create is reported as "logged". List (its filters that are
  // not fields) and update (its completion) are the service's own.
  const crud = resourceHandlers(activity, repos.activities, (kind, r, actor) => activityEvent(kind === "created" ? "logged" : kind, r, actor), {
    async create(input, activities, ctx) {
      return {
        type: input.type,
        subject: input.subject,
        notes: input.notes,
        relatedTo: input.relatedTo,
        accountId: await linkedAccount(ctx, input.relatedTo),
        ...(input.dueAt ? { dueAt: input.dueAt } : {}),
        ownerId: input.ownerId || activities.actor.actorId,
      };
    },
  });

  return implement(
    ActivityServiceService,
    {
      createActivity: crud.create,
      getActivity: crud.get,

      async listActivities(request, ctx) {
        const input = { ...validate(described.list, request), ...validate(ActivityListExtras, request) };
        const where = {
          "relatedTo.type": input.relatedTo?.type,
          "relatedTo.id": input.relatedTo?.id,
          ownerId: input.ownerId,
          type: input.type,
          completedAt: input.openOnly ? { $exists: false } : undefined,
        };
        const { rows, nextCursor } = await repos.activities.in(ctx).list(where, request.page);
        return { activities: rows.map(toActivity), page: { nextCursor } };
      },

      async updateActivity(request, ctx) {
        const input = { ...validate(described.update, request), ...validate(ActivityCompletion, request) };
        const record = await repos.activities.in(ctx).update(input.id, input.expectedVersion, (current) => {
          const completion = decideCompletion(current, input.completed, new Date());
          const set: { [K in keyof ActivityRecord]?: ActivityRecord[K] | null } = changedFields(current, {
            subject: input.subject,
            notes: input.notes,
            dueAt: input.dueAt,
            ownerId: input.ownerId,
          });
          if (completion.completedAt !== undefined) set.completedAt = completion.completedAt;
          if (Object.keys(set).length === 0) return null;
          return { set, events: (next, actor) => [activityEvent(completion.event, next, actor)] };
        });
        return toActivity(record);
      },

      deleteActivity: bin.delete,
      restoreActivity: bin.restore,
    },
    logger,
  );
}

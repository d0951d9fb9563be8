import { randomUUID } from "node:crypto";
import { implement, type ServiceRegistration } from "@relata/platform";
import { ActivityServiceService } from "@relata/proto/sales/v1/activity";
import { z } from "zod";
import { accountForTimeline, assertLinkable, decideCompletion, type LinkedRecord } from "../domain/activity";
import type { ActivityRecord, RecordRef } from "../domain/types";
import { activityEvent } from "../events/builders";
import { activityType, recordType, toActivity } from "../store/mappers";
import { changedFields, filterOf, getInTenant, listPage, requireReference } from "../store/queries";
import { createIdempotent, updateVersioned } from "../store/write";
import { actorOf, newRecord, type SalesDeps } from "./context";
import { MAX_NOTES, expectedVersion, id, optionalText, protoEnum, requiredMessage, requiredText, text, timestamp, validate } from "./validation";

export const ACTIVITY_SORTS = ["createdAt", "updatedAt"] as const;

const recordRef = () => ({ type: protoEnum(recordType, { required: true }), id: id() });

const CreateActivityInput = z.object({
  type: protoEnum(activityType, { required: true }),
  subject: requiredText(),
  notes: text(MAX_NOTES),
  relatedTo: requiredMessage(recordRef()),
  dueAt: timestamp(),
  ownerId: text(),
  idempotencyKey: text(),
});

const GetActivityInput = z.object({ id: id() });

const ListActivitiesInput = z.object({
  relatedTo: z
    .object({ type: protoEnum(recordType, { required: false }), id: text() })
    .optional(),
  ownerId: text(),
  type: protoEnum(activityType, { required: false }),
  openOnly: z.boolean().default(false),
});

const UpdateActivityInput = z.object({
  id: id(),
  expectedVersion: expectedVersion(),
  subject: requiredText().optional(),
  notes: optionalText(MAX_NOTES),
  dueAt: timestamp(),
  ownerId: optionalText(),
  completed: z.boolean().optional(),
});

/** The request schemas, by RPC (exported for tests). */
export const activitySchemas = {
  createActivity: CreateActivityInput,
  getActivity: GetActivityInput,
  listActivities: ListActivitiesInput,
  updateActivity: UpdateActivityInput,
};

export function activityService(deps: SalesDeps): ServiceRegistration {
  const { models, nudge } = deps;

  /** The linked record must exist in the tenant; its account feeds the timeline. */
  async function linkedAccount(tenantId: string, ref: RecordRef): Promise<string> {
    assertLinkable(ref.type);
    const field = "related_to.id";
    let linked: LinkedRecord;
    switch (ref.type) {
      case "account":
        await requireReference(models.accounts, tenantId, ref.id, field, "account");
        linked = { type: "account", id: ref.id };
        break;
      case "contact": {
        const c = await requireReference(models.contacts, tenantId, ref.id, field, "contact");
        linked = { type: "contact", accountId: c.accountId };
        break;
      }
      case "opportunity": {
        const o = await requireReference(models.opportunities, tenantId, ref.id, field, "opportunity");
        linked = { type: "opportunity", accountId: o.accountId };
        break;
      }
      case "lead": {
        const l = await requireReference(models.leads, tenantId, ref.id, field, "lead");
        linked = { type: "lead", status: l.status, conversion: l.conversion };
        break;
      }
      default:
        return "";
    }
    return accountForTimeline(linked);
  }

  return implement(
    ActivityServiceService,
    {
      async createActivity(request, ctx) {
        const input = validate(CreateActivityInput, request);
        const actor = actorOf(ctx);
        const record = await createIdempotent<ActivityRecord>(
          models.activities,
          {
            what: "activity",
            tenantId: actor.tenantId,
            idempotencyKey: input.idempotencyKey,
            request: input,
            build: async () => ({
              ...newRecord(actor.tenantId, randomUUID()),
              type: input.type,
              subject: input.subject,
              notes: input.notes,
              relatedTo: input.relatedTo,
              accountId: await linkedAccount(actor.tenantId, input.relatedTo),
              ...(input.dueAt ? { dueAt: input.dueAt } : {}),
              ownerId: input.ownerId || actor.actorId,
            }),
            events: (r) => [activityEvent("logged", r, actor)],
          },
          nudge,
        );
        return toActivity(record);
      },

      async getActivity(request, ctx) {
        const input = validate(GetActivityInput, request);
        return toActivity(await getInTenant(models.activities, ctx.identity.tenantId, input.id, "activity"));
      },

      async listActivities(request, ctx) {
        const input = validate(ListActivitiesInput, request);
        const filter = filterOf({
          "relatedTo.type": input.relatedTo?.type,
          "relatedTo.id": input.relatedTo?.id,
          ownerId: input.ownerId,
          type: input.type,
          completedAt: input.openOnly ? { $exists: false } : undefined,
        });
        const { rows, nextCursor } = await listPage(models.activities, ctx.identity.tenantId, filter, request.page, ACTIVITY_SORTS, "-createdAt");
        return { activities: rows.map(toActivity), page: { nextCursor } };
      },

      async updateActivity(request, ctx) {
        const input = validate(UpdateActivityInput, request);
        const actor = actorOf(ctx);
        const record = await updateVersioned<ActivityRecord>(
          models.activities,
          {
            what: "activity",
            tenantId: actor.tenantId,
            id: input.id,
            expectedVersion: input.expectedVersion,
            decide: (current) => {
              const now = new Date();
              const completion = decideCompletion(current, input.completed, now);
              const set: { [K in keyof ActivityRecord]?: ActivityRecord[K] | null } = changedFields(current, {
                subject: input.subject,
                notes: input.notes,
                dueAt: input.dueAt,
                ownerId: input.ownerId,
              });
              if (completion.completedAt !== undefined) set.completedAt = completion.completedAt;
              if (Object.keys(set).length === 0) return null;
              return { set, events: (next) => [activityEvent(completion.event, next, actor)] };
            },
          },
          nudge,
        );
        return toActivity(record);
      },
    },
    deps.logger,
  );
}

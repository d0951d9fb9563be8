import { CreateActivityRequest, ListActivitiesRequest, UpdateActivityRequest } from "@relata/proto/sales/v1/activity";
import type { SalesClients } from "../backends";
import { ActivityCreate, ActivityJson, activityJson, ActivityListQuery, ActivityUpdate } from "../schemas/activities";
import { IdParams, pageOf } from "../schemas/common";
import { activityType, recordType } from "../schemas/enums";
import { clearable, listReply, recycleBinRoutes, route, type RouteSpec } from "./define";
import { created, ok, page } from "./responses";

const ActivityPage = pageOf("ActivityPage", ActivityJson);

export function activityRoutes(sales: SalesClients): RouteSpec[] {
  return [
    route({
      operationId: "listActivities",
      method: "get",
      path: "/v1/activities",
      operation: "activities.read",
      tag: "Activities",
      summary: "List activities",
      query: ActivityListQuery,
      responses: { 200: page(ActivityPage) },
      handler: async (ctx) => {
        const q = ctx.query;
        const res = await sales.activities.listActivities(
          ListActivitiesRequest.fromPartial({
            page: { pageSize: q.limit ?? 0, cursor: q.cursor ?? "", sort: q.sort ?? "" },
            relatedTo: q.relatedType && q.relatedId ? { type: recordType.toProto(q.relatedType), id: q.relatedId } : undefined,
            ownerId: q.ownerId ?? "",
            type: q.type ? activityType.toProto(q.type) : undefined,
            openOnly: q.open === "true",
          }),
          ctx.call,
        );
        return listReply(ctx, res.activities.map(activityJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "createActivity",
      method: "post",
      path: "/v1/activities",
      operation: "activities.write",
      tag: "Activities",
      summary: "Create a task, call, meeting or logged email linked to a record",
      body: ActivityCreate,
      idempotencyKey: true,
      responses: { 201: created(ActivityJson) },
      handler: async (ctx) => {
        const b = ctx.body;
        const activity = await sales.activities.createActivity(
          CreateActivityRequest.fromPartial({
            type: activityType.toProto(b.type),
            subject: b.subject,
            notes: b.notes ?? "",
            relatedTo: { type: recordType.toProto(b.relatedTo.type), id: b.relatedTo.id },
            dueAt: b.dueAt,
            ownerId: b.ownerId ?? "",
            idempotencyKey: ctx.idempotencyKey,
          }),
          ctx.call,
        );
        return { status: 201, body: activityJson(activity), version: activity.version, location: `/v1/activities/${activity.id}` };
      },
    }),
    route({
      operationId: "getActivity",
      method: "get",
      path: "/v1/activities/:id",
      operation: "activities.read",
      tag: "Activities",
      summary: "Read an activity",
      params: IdParams,
      responses: { 200: ok(ActivityJson) },
      handler: async (ctx) => {
        const activity = await sales.activities.getActivity({ id: ctx.params.id }, ctx.call);
        return { body: activityJson(activity), version: activity.version };
      },
    }),
    route({
      operationId: "updateActivity",
      method: "patch",
      path: "/v1/activities/:id",
      operation: "activities.write",
      tag: "Activities",
      summary: "Change an activity or mark it completed",
      params: IdParams,
      body: ActivityUpdate,
      ifMatch: "required",
      responses: { 200: ok(ActivityJson, "The changed activity.") },
      handler: async (ctx) => {
        const b = ctx.body;
        const activity = await sales.activities.updateActivity(
          UpdateActivityRequest.fromPartial({
            id: ctx.params.id,
            expectedVersion: ctx.expectedVersion,
            subject: b.subject,
            notes: clearable(b.notes),
            dueAt: b.dueAt,
            ownerId: b.ownerId,
            completed: b.completed,
          }),
          ctx.call,
        );
        return { body: activityJson(activity), version: activity.version };
      },
    }),
    ...recycleBinRoutes({
      path: "/v1/activities",
      name: "Activity",
      what: "activity",
      tag: "Activities",
      operation: "activities.delete",
      schema: ActivityJson,
      toJson: activityJson,
      calls: {
        delete: (request, call) => sales.activities.deleteActivity(request, call),
        restore: (request, call) => sales.activities.restoreActivity(request, call),
      },
    }),
  ];
}

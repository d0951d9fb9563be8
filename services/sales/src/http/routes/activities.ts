import { CreateActivityRequest, ListActivitiesRequest, UpdateActivityRequest } from "@relata/proto/sales/v1/activity";
import { activity, ACTIVITY_TARGETS } from "../../resources";
import { z } from "zod";
import type { SalesClients } from "../../client";
import { crudRoutes, Id, type RouteSpec } from "@relata/platform/http";
import { resourceNameInput } from "@relata/platform/resource";

/** List parameters that are not fields: the record the activities are linked to, and open ones only. */
const listParams = {
  shape: {
    relatedType: resourceNameInput(ACTIVITY_TARGETS).optional().meta({ description: "With relatedId: activities linked to that record (its resource name, such as sales.account)." }),
    relatedId: Id.optional(),
    open: z.enum(["true", "false"]).optional().meta({ description: "true: only activities not completed yet." }),
  },
  together: [["relatedType", "relatedId"]] as const,
  request: (q: Record<string, unknown>) => ({
    relatedTo: q.relatedType && q.relatedId ? { type: q.relatedType as string, id: q.relatedId as string } : undefined,
    openOnly: q.open === "true",
  }),
};

/** Completing an activity is a flag of the PATCH (the service sets completedAt). */
const updateFields = {
  shape: { completed: z.literal(true).optional().meta({ description: "true marks the activity completed now." }) },
  request: (b: Record<string, unknown>) => ({ completed: b.completed as boolean | undefined }),
};

export function activityRoutes(sales: SalesClients): RouteSpec[] {
  return crudRoutes(
    activity,
    {
      list: async (request, call) => {
        const res = await sales.activities.listActivities(ListActivitiesRequest.fromPartial(request), call);
        return { records: res.activities, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => sales.activities.createActivity(CreateActivityRequest.fromPartial(request), call),
      get: (request, call) => sales.activities.getActivity(request, call),
      update: (request, call) => sales.activities.updateActivity(UpdateActivityRequest.fromPartial(request), call),
      delete: (request, call) => sales.activities.deleteActivity(request, call),
      restore: (request, call) => sales.activities.restoreActivity(request, call),
    },
    {
      tag: "Activities",
      summaries: { create: "Create a task, call, meeting or logged email linked to a record", update: "Change an activity or mark it completed" },
      listParams,
      updateFields,
    },
  );
}

import * as salesEvents from "@relata/proto/events/v1/sales";
import type { Activity, CreateActivityRequest, UpdateActivityRequest } from "@relata/proto/sales/v1/activity";
import { lifecycleTypes, publicEvents, recycleBinTypes } from "../../src/http";
import { f, resource, type BaseKey } from "../../src/resource";

/**
 * A backend's public events, as Integrations' webhook catalogue renders them: over a small local
 * description of an activity (Sales' own is tested with the service) and the generated events module.
 */
const activity = resource<Pick<Activity, BaseKey | "subject" | "ownerId">, Pick<CreateActivityRequest, "subject" | "ownerId">, Pick<UpdateActivityRequest, "subject" | "ownerId">>()({
  name: "sales.activity",
  path: "/v1/activities",
  collection: "activities",
  fields: { subject: f.text(200).required(), ownerId: f.owner() },
  access: { read: [], write: [] },
});

const meta = (type: string) => ({ id: "e-1", type, tenantId: "acme", entityId: "a-1", actorId: "u", requestId: "r", occurredAt: "2026-12-01T10:00:00.000Z" });

test("the subjects of a record's lifecycle and of its recycle bin", () => {
  expect(lifecycleTypes("sales.quote", "sent")).toEqual(["sales.quote.created", "sales.quote.updated", "sales.quote.deleted", "sales.quote.restored", "sales.quote.sent"]);
  expect(recycleBinTypes("sales.activity")).toEqual(["sales.activity.deleted", "sales.activity.restored"]);
});

test("an event carrying a described record renders the record as the API's JSON, under the resource's name", () => {
  const [logged, completed] = publicEvents("SALES", salesEvents, "ActivityChanged", ["sales.activity.logged", "sales.activity.completed"], { resource: activity, field: "activity" });
  expect([logged!.type, logged!.stream, logged!.message, completed!.type]).toEqual(["sales.activity.logged", "SALES", "ActivityChanged", "sales.activity.completed"]);
  const at = "2026-12-01T09:00:00.000Z";
  const bytes = salesEvents.ActivityChanged.encode(
    salesEvents.ActivityChanged.fromPartial({ meta: meta("sales.activity.logged"), activity: { id: "a-1", tenantId: "acme", subject: "Call Łukasz", ownerId: "rep", version: "3", createdAt: at, updatedAt: at } }),
  ).finish();
  const { meta: read, data } = logged!.data(bytes);
  expect(read).toMatchObject({ id: "e-1", tenantId: "acme", entityId: "a-1" });
  expect(data).toEqual({
    record: { type: "sales.activity", id: "a-1" },
    activity: { id: "a-1", tenantId: "acme", subject: "Call Łukasz", ownerId: "rep", version: 3, createdAt: at, updatedAt: at },
  });
});

test("an event without a described record renders its own fields as plain JSON, the envelope left out", () => {
  const [stage] = publicEvents("SALES", salesEvents, "OpportunityStageChanged", ["sales.opportunity.stage_changed"]);
  const bytes = salesEvents.OpportunityStageChanged.encode(
    salesEvents.OpportunityStageChanged.fromPartial({ meta: meta("sales.opportunity.stage_changed"), fromStageId: "qualify", toStageId: "propose" }),
  ).finish();
  const { data } = stage!.data(bytes);
  expect(data.record).toEqual({ type: "sales.opportunity", id: "a-1" });
  expect(data.opportunity).toMatchObject({ fromStageId: "qualify", toStageId: "propose" });
  expect(data.opportunity).not.toHaveProperty("meta");
  // An envelope-only sample decodes to the same envelope (the catalogue's tests use it).
  expect(stage!.data(stage!.sample(meta("sales.opportunity.stage_changed"))).meta).toMatchObject({ id: "e-1", type: "sales.opportunity.stage_changed" });
});

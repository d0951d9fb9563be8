import { Activity, ActivityType, CreateActivityRequest, ListActivitiesRequest, UpdateActivityRequest } from "@relata/proto/sales/v1/activity";
import { z } from "zod";
import { activitySchemas } from "../../src/rpc/activities";
import {
  createRequest,
  f,
  gatewaySchemas,
  mongooseSchema,
  resource,
  serviceSchemas,
  toJson,
  toMessage,
  updateRequest,
  type BaseKey,
  type CreateBody,
  type ResourceRecord,
} from "@relata/platform/resource";
import { activity } from "../../src/resources";
import { snakeCase, validate } from "@relata/platform";
import { gatewayVerdict, verdict } from "./support/verdicts";

const gateway = gatewaySchemas(activity);
const service = serviceSchemas(activity);




describe("an activity: a record reference, timestamps, a required enum, long notes", () => {
  const body = { type: "call", subject: "Intro call", relatedTo: { type: "sales.account", id: "acc-1" } };

  // The last column is Sales' service; "tighter": the API's format, which the service now checks too.
  const cases: [string, Record<string, unknown>, string, string][] = [
    ["a call about an account", body, "ok", "ok"],
    ["notes of 10,000 characters", { ...body, notes: "x".repeat(10_000) }, "ok", "ok"],
    ["notes of 10,001 characters", { ...body, notes: "x".repeat(10_001) }, "notes", "notes"],
    ["a due time with an offset", { ...body, dueAt: "2026-03-01T09:30:00+01:00" }, "ok", "ok"],
    ["a due date without a time", { ...body, dueAt: "2026-03-01" }, "dueAt", "tighter"],
    ["no subject", { type: "call", relatedTo: body.relatedTo }, "subject", "subject"],
    ["a reference without a usable id", { ...body, relatedTo: { type: "sales.account", id: "a b" } }, "relatedTo.id", "tighter"],
  ];

  it.each(cases)("%s", (_what, b, expected, sales) => {
    expect(gatewayVerdict(gateway.create, b)).toBe(expected);
    const request = CreateActivityRequest.fromPartial(createRequest(activity, b as CreateBody<typeof activity.fields>, ""));
    expect(verdict(() => validate(service.create, request))).toBe(expected === "ok" ? "ok" : snakeCase(expected));
    expect(verdict(() => validate(activitySchemas.createActivity, request))).toBe(sales === "ok" ? "ok" : snakeCase(sales === "tighter" ? expected : sales));
  });

  it("requires the type and the record reference, in the API and the service", () => {
    expect(gatewayVerdict(gateway.create, { subject: "x", relatedTo: body.relatedTo })).toBe("type");
    expect(gatewayVerdict(gateway.create, { type: "call", subject: "x" })).toBe("relatedTo");
    expect(gatewayVerdict(gateway.create, { ...body, relatedTo: { type: "sales.invoice", id: "i1" } })).toBe("relatedTo.type");
    const request = CreateActivityRequest.fromPartial({ subject: "x", relatedTo: { type: "sales.account", id: "a1" } });
    expect(verdict(() => validate(service.create, request))).toBe("type");
    expect(verdict(() => validate(service.create, { ...request, type: ActivityType.ACTIVITY_TYPE_CALL, relatedTo: undefined }))).toBe("related_to");
    expect(verdict(() => validate(service.create, { ...request, type: ActivityType.ACTIVITY_TYPE_CALL, relatedTo: { type: "sales.invoice", id: "i1" } }))).toBe(
      "related_to.type",
    );
  });

  it("names the record's resource in full: a short word, another service's record or an activity is refused on both sides", () => {
    for (const type of ["account", "service.case", "sales.activity"]) {
      expect(gatewayVerdict(gateway.create, { ...body, relatedTo: { type, id: "x1" } })).toBe("relatedTo.type");
      const request = CreateActivityRequest.fromPartial({ type: ActivityType.ACTIVITY_TYPE_CALL, subject: "x", relatedTo: { type, id: "x1" } });
      expect(verdict(() => validate(service.create, request))).toBe("related_to.type");
      expect(verdict(() => validate(activitySchemas.listActivities, ListActivitiesRequest.fromPartial({ relatedTo: { type, id: "x1" } })))).toBe("related_to.type");
    }
    const listed = validate(activitySchemas.listActivities, ListActivitiesRequest.fromPartial({ relatedTo: { type: "sales.lead", id: "l1" } }));
    expect(listed.relatedTo).toEqual({ type: "sales.lead", id: "l1" });
  });

  it("keeps what the record keeps: a Date, the reference's type as its resource name", () => {
    const input = validate(service.create, CreateActivityRequest.fromPartial(createRequest(activity, { ...body, dueAt: "2026-03-01T09:30:00+01:00" } as CreateBody<typeof activity.fields>, "k")));
    expect(input).toMatchObject({ type: "call", relatedTo: { type: "sales.account", id: "acc-1" }, dueAt: new Date("2026-03-01T08:30:00Z"), notes: "" });
  });

  it("changes the due time only when sent, and clears notes with null", () => {
    const request = UpdateActivityRequest.fromPartial(updateRequest(activity, "x1", "2", { notes: null }));
    expect(request.dueAt).toBeUndefined();
    expect(validate(service.update, request)).toEqual({ id: "x1", expectedVersion: 2, notes: "" });
    expect(gatewayVerdict(gateway.update, { dueAt: null })).toBe("dueAt");
    expect(gatewayVerdict(gateway.update, { relatedTo: body.relatedTo })).toBe("relatedTo");
  });

  it("says the reference's types and the timestamp format in the JSON schema", () => {
    const create = z.toJSONSchema(gateway.create, { io: "input" }) as {
      required: string[];
      properties: Record<string, { format?: string; properties?: Record<string, { enum?: string[] }> }>;
    };
    expect(create.required).toEqual(["type", "subject", "relatedTo"]);
    // An activity is about a record that is not an activity.
    expect(create.properties.relatedTo!.properties!.type!.enum).toEqual(["sales.account", "sales.contact", "sales.lead", "sales.opportunity"]);
    expect(create.properties.dueAt!.format).toBe("date-time");
  });

  const message: Activity = {
    id: "x1",
    tenantId: "t1",
    type: ActivityType.ACTIVITY_TYPE_MEETING,
    subject: "Review",
    notes: "",
    relatedTo: { type: "sales.opportunity", id: "o1" },
    accountId: "acc-1",
    dueAt: "2026-03-01T08:30:00.000Z",
    completedAt: undefined,
    ownerId: "rep-1",
    version: "2",
    createdAt: "2026-02-01T08:30:00.000Z",
    updatedAt: "2026-02-02T08:30:00.000Z",
  };

  it("serves the reference's type and the enum as words, times as they are, \"\" as null", () => {
    expect(toJson(activity, message)).toEqual({
      id: "x1",
      tenantId: "t1",
      type: "meeting",
      subject: "Review",
      notes: null,
      relatedTo: { type: "sales.opportunity", id: "o1" },
      accountId: "acc-1",
      dueAt: "2026-03-01T08:30:00.000Z",
      completedAt: null,
      ownerId: "rep-1",
      version: 2,
      createdAt: "2026-02-01T08:30:00.000Z",
      updatedAt: "2026-02-02T08:30:00.000Z",
    });
    expect(gateway.json.safeParse(toJson(activity, message)).success).toBe(true);
  });

  it("turns a record into its message and stores the reference as a sub-document", () => {
    const record: ResourceRecord<typeof activity.fields> = {
      _id: "x1",
      tenantId: "t1",
      version: 2,
      createdAt: new Date("2026-02-01T08:30:00Z"),
      updatedAt: new Date("2026-02-02T08:30:00Z"),
      idempotencyKey: "k1",
      requestHash: "",
      type: "meeting",
      subject: "Review",
      notes: "",
      relatedTo: { type: "sales.opportunity", id: "o1" },
      accountId: "acc-1",
      dueAt: new Date("2026-03-01T08:30:00Z"),
      completedAt: undefined,
      ownerId: "rep-1",
    };
    const built: Activity = toMessage(activity, record);
    expect(built).toEqual(message);
    expect(Activity.decode(Activity.encode(built).finish())).toEqual(message);
    const schema = mongooseSchema(activity);
    expect(schema.path("relatedTo").isRequired).toBe(true);
    expect(schema.path("dueAt").instance).toBe("Date");
  });
});

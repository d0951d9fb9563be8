import { z } from "zod";
import { createRequest, enumCodec, f, gatewaySchemas, mongooseSchema, resource, serviceSchemas, toJson, toMessage, updateRequest, type ListValue } from "../../src/resource";
import { validate } from "../../src/validation";

/** The kit's list kind on a small local resource: a team with members and the levels it covers. */

enum Level {
  LEVEL_UNSPECIFIED = "LEVEL_UNSPECIFIED",
  LEVEL_LOW = "LEVEL_LOW",
  LEVEL_HIGH = "LEVEL_HIGH",
}

interface Team {
  id: string;
  tenantId: string;
  name: string;
  memberIds?: ListValue<string> | undefined;
  levels?: ListValue<Level> | undefined;
  version: string;
  createdAt?: string;
  updatedAt?: string;
}
type TeamCreate = { name: string; memberIds?: ListValue<string> | undefined; levels?: ListValue<Level> | undefined };
type TeamUpdate = { name?: string; memberIds?: ListValue<string> | undefined; levels?: ListValue<Level> | undefined };

const level = enumCodec(Level, "LEVEL_");
const team = resource<Team, TeamCreate, TeamUpdate>()({
  name: "kb.team",
  path: "/v1/teams",
  collection: "teams",
  fields: {
    name: f.text(100).required(),
    memberIds: f.list(f.owner(), 3),
    levels: f.list(f.enum(level), 2),
  },
  access: { read: ["kb-editor"], write: ["kb-editor"] },
});

function failedField(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (err) {
    const field = (err as { field?: unknown }).field;
    if (typeof field === "string") return field;
    throw err;
  }
}

function gatewayFailure(schema: z.ZodType, body: unknown): string {
  const result = schema.safeParse(body);
  return result.success ? "ok" : result.error.issues[0]!.path.map(String).join(".");
}

describe("list fields", () => {
  const service = serviceSchemas(team);

  it("travel from JSON to the message and back, enums as words", () => {
    const request = createRequest(team, { name: "Tier 1", memberIds: ["ann", "bob"], levels: ["high"] }, "k1");
    expect(request).toMatchObject({ memberIds: { values: ["ann", "bob"] }, levels: { values: ["LEVEL_HIGH"] } });
    expect(validate(service.create, request)).toMatchObject({ memberIds: ["ann", "bob"], levels: ["high"] });
    const message = toMessage(team, {
      _id: "t1", tenantId: "acme", name: "Tier 1", memberIds: ["ann"], levels: ["low"], version: 1,
      createdAt: new Date(0), updatedAt: new Date(0), idempotencyKey: "k1", requestHash: "",
    });
    expect(message.levels).toEqual({ values: ["LEVEL_LOW"] });
    expect(toJson(team, message)).toMatchObject({ memberIds: ["ann"], levels: ["low"] });
  });

  it("are empty when a create leaves them out; an update tells unchanged from emptied", () => {
    expect(validate(service.create, createRequest(team, { name: "Tier 1" }, ""))).toMatchObject({ memberIds: [], levels: [] });
    expect(validate(service.update, updateRequest(team, "t1", "1", { name: "Tier 2" }))).not.toHaveProperty("memberIds");
    expect(validate(service.update, updateRequest(team, "t1", "1", { memberIds: [] }))).toMatchObject({ memberIds: [] });
  });

  it("refuse, in the API and in the service alike, too many items, a repeat and a bad item, by position", () => {
    const gateway = gatewaySchemas(team);
    expect(gatewayFailure(gateway.create, { name: "x", memberIds: ["a", "b", "c", "d"] })).toBe("memberIds");
    expect(gatewayFailure(gateway.create, { name: "x", memberIds: ["a", "b", "a"] })).toBe("memberIds.2");
    expect(gatewayFailure(gateway.create, { name: "x", memberIds: ["a", "no spaces"] })).toBe("memberIds.1");
    expect(gatewayFailure(gateway.create, { name: "x", levels: ["medium"] })).toBe("levels.0");
    expect(failedField(() => validate(service.create, { name: "x", memberIds: { values: ["a", "b", "c", "d"] } }))).toBe("member_ids");
    expect(failedField(() => validate(service.create, { name: "x", memberIds: { values: ["a", " a "] } }))).toBe("member_ids.1");
    expect(failedField(() => validate(service.create, { name: "x", memberIds: { values: ["a", " "] } }))).toBe("member_ids.1");
    expect(failedField(() => validate(service.create, { name: "x", levels: { values: ["LEVEL_UNSPECIFIED"] } }))).toBe("levels.0");
    expect(validate(service.create, { name: "x", memberIds: { values: [" a "] } })).toMatchObject({ memberIds: ["a"] });
  });

  it("are stored as arrays of the item's type", () => {
    const path = mongooseSchema(team).path("memberIds") as unknown as { instance: string };
    expect(path.instance).toBe("Array");
  });
});

import { z } from "zod";
import { f, gatewaySchemas, mongooseSchema, resource, serviceSchemas, toJson, toMessage, updateRequest, createRequest, Subdocument } from "../../src/resource";
import { validate } from "../../src/validation";

/** A rows field on a small local resource (a rota with its shifts and its days off). */

interface Shift {
  day: string;
  starts: string;
}
interface Rota {
  id: string;
  tenantId: string;
  name: string;
  shifts: { values: Shift[] } | undefined;
  daysOff: { values: string[] } | undefined;
  version: string;
  createdAt?: string;
  updatedAt?: string;
}
type RotaCreate = { name: string; shifts?: { values: Shift[] }; daysOff?: { values: string[] } };
type RotaUpdate = { name?: string; shifts?: { values: Shift[] }; daysOff?: { values: string[] } };

const ShiftItem = z.strictObject({ day: z.enum(["monday", "tuesday"]), starts: z.string().regex(/^\d\d:\d\d$/, "must be HH:MM") });
const rota = resource<Rota, RotaCreate, RotaUpdate>()({
  name: "kb.rota",
  path: "/v1/rotas",
  collection: "rotas",
  fields: {
    name: f.text(100).required(),
    shifts: f.rows<Shift>(ShiftItem, { min: 1, max: 3, mongo: new Subdocument({ day: String, starts: String }) }).required(),
    daysOff: f.rows<string>(z.iso.date(), { max: 5, mongo: String }),
  },
  access: { read: ["kb-editor"], write: ["kb-editor"] },
});

function verdict(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (err) {
    return String((err as { field?: unknown }).field);
  }
}

describe("a rows field", () => {
  const monday = { day: "monday", starts: "09:00" };

  it("is an array in the API, checked item by item, with its length limits", () => {
    const api = gatewaySchemas(rota);
    expect(api.create.safeParse({ name: "a", shifts: [monday] }).success).toBe(true);
    expect(api.create.safeParse({ name: "a", shifts: [] }).success).toBe(false);
    expect(api.create.safeParse({ name: "a" }).success).toBe(false);
    const bad = api.create.safeParse({ name: "a", shifts: [monday, { day: "monday", starts: "9" }] });
    expect(bad.error?.issues[0]?.path).toEqual(["shifts", 1, "starts"]);
    expect(api.update.safeParse({ daysOff: [] }).success).toBe(true);
    expect(api.update.safeParse({ daysOff: null }).success).toBe(false);
  });

  it("travels in a wrapper message, so an update tells unchanged from emptied", () => {
    expect(createRequest(rota, { name: "a", shifts: [monday] }, "k")).toMatchObject({ shifts: { values: [monday] }, daysOff: undefined });
    expect(updateRequest(rota, "r1", "3", { daysOff: [] })).toEqual({ id: "r1", expectedVersion: "3", daysOff: { values: [] } });
    const service = serviceSchemas(rota);
    expect(validate(service.update, { id: "r1", expectedVersion: "3" })).toEqual({ id: "r1", expectedVersion: 3 });
    expect(validate(service.update, { id: "r1", expectedVersion: "3", daysOff: { values: [] } })).toMatchObject({ daysOff: [] });
    expect(validate(service.create, { name: "a", shifts: { values: [monday] } })).toMatchObject({ shifts: [monday], daysOff: [] });
  });

  it("is checked by the service with the API's limits, naming the item's field", () => {
    const service = serviceSchemas(rota);
    expect(verdict(() => validate(service.create, { name: "a" }))).toBe("shifts");
    expect(verdict(() => validate(service.create, { name: "a", shifts: { values: [] } }))).toBe("shifts");
    expect(verdict(() => validate(service.create, { name: "a", shifts: { values: [{ day: "sunday", starts: "09:00" }] } }))).toBe("shifts.0.day");
    expect(verdict(() => validate(service.update, { id: "r1", expectedVersion: "1", daysOff: { values: ["2026-02-30"] } }))).toMatch(/^days_off/);
  });

  it("is served as an array, [] when empty, and stored as an array", () => {
    const record = { _id: "r1", tenantId: "t1", version: 2, name: "a", shifts: [monday], daysOff: [] } as never;
    const message = toMessage(rota, record);
    expect(message.shifts).toEqual({ values: [monday] });
    expect(toJson(rota, message)).toMatchObject({ shifts: [monday], daysOff: [] });
    const schema = mongooseSchema(rota);
    expect(schema.path("shifts").instance).toBe("Array");
    expect(schema.path("daysOff").instance).toBe("Array");
  });
});

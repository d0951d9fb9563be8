import { z } from "zod";
import { f, gatewaySchemas, mongooseSchema, resource, serviceSchemas, toJson, toMessage, updateRequest, createRequest, Subdocument } from "../../src/resource";
import { validate } from "../../src/validation";

/** A list field on a small local resource (a rota with its shifts and its days off). */

interface Shift {
  day: string;
  starts: string;
}
interface Rota {
  id: string;
  tenantId: string;
  name: string;
  shifts: { items: Shift[] } | undefined;
  daysOff: { items: string[] } | undefined;
  version: string;
  createdAt?: string;
  updatedAt?: string;
}
type RotaCreate = { name: string; shifts?: { items: Shift[] }; daysOff?: { items: string[] } };
type RotaUpdate = { name?: string; shifts?: { items: Shift[] }; daysOff?: { items: string[] } };

const ShiftItem = z.strictObject({ day: z.enum(["monday", "tuesday"]), starts: z.string().regex(/^\d\d:\d\d$/, "must be HH:MM") });
const rota = resource<Rota, RotaCreate, RotaUpdate>()({
  name: "kb.rota",
  path: "/v1/rotas",
  collection: "rotas",
  fields: {
    name: f.text(100).required(),
    shifts: f.list<Shift>(ShiftItem, { min: 1, max: 3, mongo: new Subdocument({ day: String, starts: String }) }).required(),
    daysOff: f.list<string>(z.iso.date(), { max: 5, mongo: String }),
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

describe("a list field", () => {
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
    expect(createRequest(rota, { name: "a", shifts: [monday] }, "k")).toMatchObject({ shifts: { items: [monday] }, daysOff: undefined });
    expect(updateRequest(rota, "r1", "3", { daysOff: [] })).toEqual({ id: "r1", expectedVersion: "3", daysOff: { items: [] } });
    const service = serviceSchemas(rota);
    expect(validate(service.update, { id: "r1", expectedVersion: "3" })).toEqual({ id: "r1", expectedVersion: 3 });
    expect(validate(service.update, { id: "r1", expectedVersion: "3", daysOff: { items: [] } })).toMatchObject({ daysOff: [] });
    expect(validate(service.create, { name: "a", shifts: { items: [monday] } })).toMatchObject({ shifts: [monday], daysOff: [] });
  });

  it("is checked by the service with the API's limits, naming the item's field", () => {
    const service = serviceSchemas(rota);
    expect(verdict(() => validate(service.create, { name: "a" }))).toBe("shifts");
    expect(verdict(() => validate(service.create, { name: "a", shifts: { items: [] } }))).toBe("shifts");
    expect(verdict(() => validate(service.create, { name: "a", shifts: { items: [{ day: "sunday", starts: "09:00" }] } }))).toBe("shifts.0.day");
    expect(verdict(() => validate(service.update, { id: "r1", expectedVersion: "1", daysOff: { items: ["2026-02-30"] } }))).toMatch(/^days_off/);
  });

  it("is served as an array, [] when empty, and stored as an array", () => {
    const record = { _id: "r1", tenantId: "t1", version: 2, name: "a", shifts: [monday], daysOff: [] } as never;
    const message = toMessage(rota, record);
    expect(message.shifts).toEqual({ items: [monday] });
    expect(toJson(rota, message)).toMatchObject({ shifts: [monday], daysOff: [] });
    const schema = mongooseSchema(rota);
    expect(schema.path("shifts").instance).toBe("Array");
    expect(schema.path("daysOff").instance).toBe("Array");
  });
});

import { Activity, CreateActivityRequest } from "@relata/proto/sales/v1/activity";
import { z } from "zod";
import {
  createRequest,
  enumCodec,
  f,
  gatewaySchemas,
  listRequest,
  resource,
  RESOURCE_NAME_PATTERN,
  serviceSchemas,
  toJson,
  updateRequest,
  type BaseKey,
} from "../../src/resource";
import { validate } from "../../src/validation";

/**
 * The kit's own machinery on a small local resource (a note about any record), the kind a new
 * service adds. Sales' descriptions are tested with the service (services/sales/test/unit).
 */

function verdict(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (err) {
    const field = (err as { field?: unknown }).field;
    if (typeof field === "string") return field;
    throw err;
  }
}

function gatewayVerdict(schema: z.ZodType, body: unknown): string {
  const result = schema.safeParse(body);
  if (result.success) return "ok";
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") path.push(issue.keys[0]!);
  return path.join(".") || "body";
}

/** An enum as the generated code spells one: string values, an UNSPECIFIED "none". */
enum AboutType {
  ABOUT_TYPE_UNSPECIFIED = "ABOUT_TYPE_UNSPECIFIED",
  ABOUT_TYPE_ACCOUNT = "ABOUT_TYPE_ACCOUNT",
  ABOUT_TYPE_LEAD = "ABOUT_TYPE_LEAD",
}

describe("fields that go together", () => {
  // A resource of the kind a new service will add, over hand-written message types.
  const aboutType = enumCodec(AboutType, "ABOUT_TYPE_");
  interface Note {
    id: string;
    tenantId: string;
    body: string;
    aboutType: AboutType;
    aboutId: string;
    pinned: boolean;
    priority: number;
    version: string;
    createdAt?: string;
    updatedAt?: string;
  }
  type NoteCreate = { body: string; aboutType: AboutType; aboutId: string; pinned: boolean; priority: number };
  type NoteUpdate = { body?: string; aboutType?: AboutType; aboutId?: string; pinned?: boolean; priority?: number };
  const note = resource<Note, NoteCreate, NoteUpdate>()({
    name: "kb.note",
    path: "/v1/notes",
    collection: "notes",
    fields: {
      body: f.text(10_000).required(),
      aboutType: f.enum(aboutType).filter(),
      aboutId: f.ref("any").filter(),
      pinned: f.boolean().filter(),
      priority: f.int(1, 5).sortable().filter(),
    },
    access: { read: ["kb-editor"], write: ["kb-editor"] },
    together: [["aboutType", "aboutId"]],
  });

  it("refuses, at compile time, a field the message lacks or a type it does not have", () => {
    const base = { name: "kb.note", path: "/v1/notes", collection: "notes", access: { read: [], write: [] } } as const;
    const fields = { ...note.fields };
    resource<Note, NoteCreate, NoteUpdate>()({
      ...base,
      fields: {
        ...fields,
        // @ts-expect-error -- title is not a field of Note
        title: f.text(10),
      },
    });
    resource<Note, NoteCreate, NoteUpdate>()({
      ...base,
      fields: {
        ...fields,
        // @ts-expect-error -- priority is a number in Note, not a string
        priority: f.text(10),
      },
    });
    const { pinned: _pinned, ...withoutPinned } = fields;
    // @ts-expect-error -- pinned is a field of Note that the description leaves out
    resource<Note, NoteCreate, NoteUpdate>()({ ...base, fields: withoutPinned });
  });

  it("go together in the API, its JSON schema and the service", () => {
    const gateway = gatewaySchemas(note);
    expect(gatewayVerdict(gateway.list, { aboutType: "account" })).toBe("aboutId");
    expect(gatewayVerdict(gateway.list, { aboutId: "a1" })).toBe("aboutType");
    expect(gatewayVerdict(gateway.list, { aboutType: "account", aboutId: "a1" })).toBe("ok");
    expect(gatewayVerdict(gateway.create, { body: "x", aboutId: "a1" })).toBe("aboutType");
    const json = z.toJSONSchema(gateway.list, { io: "input" }) as { dependentRequired?: Record<string, string[]> };
    expect(json.dependentRequired).toEqual({ aboutType: ["aboutId"], aboutId: ["aboutType"] });
    expect(verdict(() => validate(serviceSchemas(note).list, { aboutType: "ABOUT_TYPE_ACCOUNT", aboutId: "" }))).toBe("about_id");
    expect(verdict(() => validate(serviceSchemas(note).create, { body: "x", aboutId: "a1" }))).toBe("about_type");
    expect(verdict(() => validate(serviceSchemas(note).create, { body: "x", aboutType: "ABOUT_TYPE_ACCOUNT", aboutId: "a1" }))).toBe("ok");
  });

  it("reads numbers and booleans from the query; the message's default is no filter", () => {
    const gateway = gatewaySchemas(note);
    const query = gateway.list.parse({ pinned: "true", priority: "3", sort: "-priority" });
    expect(query).toEqual({ pinned: true, priority: 3, sort: "-priority" });
    expect(gatewayVerdict(gateway.list, { priority: "6" })).toBe("priority");
    expect(gatewayVerdict(gateway.list, { pinned: "yes" })).toBe("pinned");
    const request = listRequest(note, query);
    expect(request).toMatchObject({ pinned: true, priority: 3, aboutId: "" });
    expect(validate(serviceSchemas(note).list, request)).toEqual({ pinned: true, priority: 3 });
    expect(validate(serviceSchemas(note).list, listRequest(note, {}))).toEqual({});
    expect(gatewayVerdict(gateway.create, { body: "x", pinned: "true" })).toBe("pinned");
    expect(gatewayVerdict(gateway.create, { body: "x", pinned: true, priority: 5 })).toBe("ok");
    // A create without the number: the request carries 0, which the service reads as not given.
    expect(validate(serviceSchemas(note).create, createRequest(note, { body: "x" }, ""))).toMatchObject({ body: "x", priority: 0, pinned: false });
    expect(verdict(() => validate(serviceSchemas(note).update, updateRequest(note, "n1", "1", { priority: 0 as number })))).toBe("priority");
  });

  it("holds a long text to its limit in both places (notes: 10,000 characters)", () => {
    expect(gatewayVerdict(gatewaySchemas(note).create, { body: "x".repeat(10_001) })).toBe("body");
    expect(verdict(() => validate(serviceSchemas(note).create, { body: "x".repeat(10_001) }))).toBe("body");
    expect(verdict(() => validate(serviceSchemas(note).create, { body: "x".repeat(10_000) }))).toBe("ok");
  });
});

describe("descriptions the kit refuses when it loads them", () => {
  it("refuses to clear a value a proto3 optional field cannot carry as empty, and objects as query parameters", () => {
    expect(() => f.money().clearable()).toThrow("a money field cannot be cleared through a proto3 optional field");
    expect(() =>
      resource<Pick<Activity, BaseKey | "relatedTo">, Pick<CreateActivityRequest, "relatedTo">, unknown>()({
        name: "sales.activity",
        path: "/v1/activities",
        collection: "activities",
        fields: { relatedTo: f.recordRef(["sales.account"]).createOnly().filter() },
        access: { read: [], write: [] },
      }),
    ).toThrow("sales.activity.relatedTo: a recordRef field cannot be a query parameter");
  });
});

describe("record references name the resource of their record", () => {
  // A comment about any record of the platform, and about a task of one service's resources.
  type Ref = { type: string; id: string } | undefined;
  interface Comment {
    id: string;
    tenantId: string;
    about?: Ref;
    task?: Ref;
    version: string;
    createdAt?: string;
    updatedAt?: string;
  }
  type CommentCreate = { about?: Ref; task?: Ref };
  const description = {
    path: "/v1/comments",
    collection: "comments",
    fields: { about: f.recordRef().required().createOnly(), task: f.recordRef(["service.case", "service.task"]).createOnly() },
    access: { read: [], write: [] },
  };
  const comment = resource<Comment, CommentCreate, unknown>()({ ...description, name: "knowledge-base.comment" });
  const gateway = gatewaySchemas(comment);
  const service = serviceSchemas(comment);
  const about = { type: "sales.account", id: "a1" };

  it("is a resource name, the pattern descriptions' own names follow", () => {
    for (const name of ["sales.account", "knowledge-base.article", "service.case_note"]) expect(RESOURCE_NAME_PATTERN.test(name)).toBe(true);
    for (const name of ["account", "Sales.account", "sales.", ".account", "sales.account.x", "1sales.account", "sales.case-note"]) {
      expect(RESOURCE_NAME_PATTERN.test(name)).toBe(false);
    }
    expect(() => resource<Comment, CommentCreate, unknown>()({ ...description, name: "Comments" })).toThrow(
      "resource name Comments must be <service>.<resource> in lower case",
    );
  });

  it("any resource by its name when the field names no targets; one of the targets when it does", () => {
    expect(gatewayVerdict(gateway.create, { about })).toBe("ok");
    expect(gatewayVerdict(gateway.create, { about: { type: "service.case", id: "c1" } })).toBe("ok");
    expect(gatewayVerdict(gateway.create, { about: { type: "account", id: "a1" } })).toBe("about.type");
    expect(gatewayVerdict(gateway.create, { about, task: { type: "service.task", id: "t1" } })).toBe("ok");
    expect(gatewayVerdict(gateway.create, { about, task: { type: "sales.account", id: "a1" } })).toBe("task.type");
    const create = z.toJSONSchema(gateway.create, { io: "input" }) as { properties: Record<string, { properties?: Record<string, { enum?: string[]; pattern?: string }> }> };
    expect(create.properties.about!.properties!.type!.pattern).toBe(RESOURCE_NAME_PATTERN.source);
    expect(create.properties.task!.properties!.type!.enum).toEqual(["service.case", "service.task"]);
    expect(comment.fields.task.rules.targets).toEqual(["service.case", "service.task"]);
    expect(comment.fields.about.rules.targets).toBeUndefined();
  });

  it("the service holds the message to the same limits, and names what is wrong", () => {
    expect(validate(service.create, { about: { type: "service.case", id: "c1" } })).toMatchObject({ about: { type: "service.case", id: "c1" } });
    expect(verdict(() => validate(service.create, { about: { type: "", id: "c1" } }))).toBe("about.type");
    expect(verdict(() => validate(service.create, { about: { type: "case", id: "c1" } }))).toBe("about.type");
    expect(verdict(() => validate(service.create, { about, task: { type: "sales.account", id: "a1" } }))).toBe("task.type");
    expect(verdict(() => validate(service.create, { about, task: { type: "service.task", id: "t1" } }))).toBe("ok");
  });

  it("is the same full name in the message, the JSON and the record", () => {
    const at = "2026-01-01T00:00:00.000Z";
    const message: Comment = { id: "c1", tenantId: "t1", about: { type: "sales.lead", id: "l1" }, task: undefined, version: "1", createdAt: at, updatedAt: at };
    expect(toJson(comment, message)).toMatchObject({ about: { type: "sales.lead", id: "l1" }, task: null });
    expect(createRequest(comment, { about }, "")).toMatchObject({ about: { type: "sales.account", id: "a1" } });
  });
});

import { Account, CreateAccountRequest, ListAccountsRequest, UpdateAccountRequest } from "@relata/proto/sales/v1/account";
import { CreateOpportunityRequest, Opportunity, UpdateOpportunityRequest } from "@relata/proto/sales/v1/opportunity";
import { createConnection } from "mongoose";
import { z } from "zod";
import { accountSchemas } from "../../src/rpc/accounts";
import {
  createRequest,
  eventSubjects,
  f,
  gatewaySchemas,
  listRequest,
  mongooseSchema,
  partnerScopes,
  permissionRows,
  resource,
  resourceIndexes,
  serviceSchemas,
  toJson,
  toMessage,
  updateRequest,
  type CreateBody,
  type ResourceRecord,
  type UpdateBody,
} from "@relata/platform/resource";
import { account, opportunity } from "../../src/resources";
import { InvalidArgument, snakeCase, validate } from "@relata/platform";
import { gatewayVerdict, verdict } from "./support/verdicts";

const gateway = gatewaySchemas(account);
const service = serviceSchemas(account);

/** The OpenAPI components the gateway would emit: z.toJSONSchema over a registry, as its document does. */
function components(): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string; description?: string }>();
  for (const n of gateway.named) registry.add(n.schema, n.description ? { id: n.id, description: n.description } : { id: n.id });
  const out = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: "input", unrepresentable: "any" }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  return out.schemas;
}

/** The service's verdict on the request the gateway would send for a body: the failing proto field, or "ok". */
function serviceCreate(body: Record<string, unknown>): string {
  try {
    validate(service.create, CreateAccountRequest.fromPartial(createRequest(account, body as CreateBody<typeof account.fields>, "")));
    return "ok";
  } catch (err) {
    if (err instanceof InvalidArgument) return err.field!;
    throw err;
  }
}



const chars = (n: number) => "x".repeat(n);

describe("an account description: the compile-time check against the generated messages", () => {
  const base = { name: "sales.account", path: "/v1/accounts", collection: "accounts", access: { read: [], write: [] } } as const;
  const fields = {
    name: f.text(200).required(),
    parentAccountId: f.ref("sales.account"),
    industry: f.text(100),
    territory: f.text(100),
    ownerId: f.owner(),
    website: f.httpUrl(200),
    externalId: f.text(100),
    country: f.text(2),
    region: f.text(200),
    employeeCount: f.int(0, 10_000_000),
  };

  it("accepts the message's fields and refuses others, other types, unwritable fields and gaps", () => {
    expect(resource<Account, CreateAccountRequest, UpdateAccountRequest>()({ ...base, fields }).sorts).toEqual(["createdAt", "updatedAt"]);
    resource<Account, CreateAccountRequest, UpdateAccountRequest>()({
      ...base,
      fields: {
        ...fields,
        // @ts-expect-error -- nickname is not a field of Account
        nickname: f.text(10),
      },
    });
    resource<Account, CreateAccountRequest, UpdateAccountRequest>()({
      ...base,
      fields: {
        ...fields,
        // @ts-expect-error -- name is a string in Account, not a number
        name: f.int(0, 10),
      },
    });
    const { website: _website, ...withoutWebsite } = fields;
    // @ts-expect-error -- website is a field of Account that the description leaves out
    resource<Account, CreateAccountRequest, UpdateAccountRequest>()({ ...base, fields: withoutWebsite });
    resource<Account, CreateAccountRequest, UpdateAccountRequest, ListAccountsRequest>()({
      ...base,
      fields: {
        ...fields,
        // @ts-expect-error -- ListAccountsRequest has no website filter
        website: f.httpUrl(200).filter(),
      },
    });
    resource<Opportunity, CreateOpportunityRequest, UpdateOpportunityRequest>()({
      ...base,
      fields: {
        ...opportunity.fields,
        // @ts-expect-error -- UpdateOpportunityRequest has no account_id: it must be createOnly()
        accountId: f.ref("sales.account").required(),
      },
    });
  });
});

describe("an account: the gateway's create body accepts what the service accepts", () => {
  // Lengths are the service's: name, industry, territory 200; website 200 (the API said 500). Owner
  // and parent ids keep the API's patterns.
  // The last column is Sales' service (its handlers' schemas); "tighter" marks a format the API
  // checked and Sales' hand-written validation did not, which the service now checks too.
  const cases: [string, Record<string, unknown>, string, string][] = [
    ["a name only", { name: "Acme" }, "ok", "ok"],
    ["every field", { name: "Acme", parentAccountId: "6655f0c2a1b2c3d4e5f60718", industry: "Retail", territory: "EMEA", ownerId: "rep@example.com", website: "https://acme.example" }, "ok", "ok"],
    ["no name", {}, "name", "name"],
    ["an empty name", { name: "" }, "name", "name"],
    ["a blank name", { name: "   " }, "name", "name"],
    ["a name of 200 characters", { name: chars(200) }, "ok", "ok"],
    ["a name of 201 characters", { name: chars(201) }, "name", "name"],
    ["an empty industry", { name: "Acme", industry: "" }, "ok", "ok"],
    ["an industry of 200 characters", { name: "Acme", industry: chars(200) }, "ok", "ok"],
    ["an industry of 201 characters", { name: "Acme", industry: chars(201) }, "industry", "industry"],
    ["a territory of 201 characters", { name: "Acme", territory: chars(201) }, "territory", "territory"],
    ["a website of 200 characters", { name: "Acme", website: `https://${chars(192)}` }, "ok", "ok"],
    ["a website of 201 characters", { name: "Acme", website: `https://${chars(193)}` }, "website", "website"],
    ["an upper-case scheme", { name: "Acme", website: "HTTPS://acme.example" }, "ok", "ok"],
    ["an ftp website", { name: "Acme", website: "ftp://acme.example" }, "website", "website"],
    ["a website without a scheme", { name: "Acme", website: "acme.example" }, "website", "website"],
    ["a parent id with a space", { name: "Acme", parentAccountId: "not an id" }, "parentAccountId", "tighter"],
    ["an owner id with a space", { name: "Acme", ownerId: "rep one" }, "ownerId", "tighter"],
  ];

  it.each(cases)("%s", (_what, body, expected, sales) => {
    expect(gatewayVerdict(gateway.create, body)).toBe(expected);
    expect(serviceCreate(body)).toBe(expected === "ok" ? "ok" : snakeCase(expected));
    const request = CreateAccountRequest.fromPartial(createRequest(account, body as CreateBody<typeof account.fields>, ""));
    expect(verdict(() => validate(accountSchemas.createAccount, request))).toBe(sales === "ok" ? "ok" : snakeCase(sales === "tighter" ? expected : sales));
  });

  it("refuses unknown fields and values of another type", () => {
    expect(gatewayVerdict(gateway.create, { name: "Acme", nickname: "A" })).toBe("nickname");
    expect(gatewayVerdict(gateway.create, { name: 7 })).toBe("name");
  });
});

describe("an account: the update body", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["a new name", { name: "Acme 2" }, "ok"],
    ["null clears the website", { website: null }, "ok"],
    ["null clears the parent", { parentAccountId: null }, "ok"],
    ["null cannot clear the name", { name: null }, "name"],
    ["null cannot clear the owner", { ownerId: null }, "ownerId"],
    ["an empty name", { name: "" }, "name"],
    ["a website of 201 characters", { website: `https://${chars(193)}` }, "website"],
  ];

  it.each(cases)("%s", (_what, body, expected) => {
    expect(gatewayVerdict(gateway.update, body)).toBe(expected);
    let verdict = "ok";
    try {
      validate(service.update, UpdateAccountRequest.fromPartial(updateRequest(account, "a1", "3", body as UpdateBody<typeof account.fields>)));
    } catch (err) {
      verdict = (err as InvalidArgument).field!;
    }
    expect(verdict).toBe(expected === "ok" ? "ok" : snakeCase(expected));
  });

  it("refuses an empty patch (the gateway's rule: the service treats it as no change)", () => {
    expect(gateway.update.safeParse({}).success).toBe(false);
    expect(validate(service.update, UpdateAccountRequest.fromPartial({ id: "a1", expectedVersion: "3" }))).toEqual({ id: "a1", expectedVersion: 3 });
  });

  it("builds a request with only the fields sent, null as an empty string, and the expected version", () => {
    expect(updateRequest(account, "a1", "3", { name: "Acme 2", website: null })).toEqual({ id: "a1", expectedVersion: "3", name: "Acme 2", website: "" });
    const input = validate(service.update, UpdateAccountRequest.fromPartial(updateRequest(account, "a1", "3", { website: null, industry: " Retail " })));
    expect(input).toEqual({ id: "a1", expectedVersion: 3, website: "", industry: "Retail" });
  });
});

describe("an account: the create request and the service's input", () => {
  it("carries every writable field, empty where absent, and the idempotency key", () => {
    expect(createRequest(account, { name: "Acme", website: "https://acme.example" }, "key-1")).toEqual({
      country: "",
      region: "",
      employeeCount: 0,
      name: "Acme",
      parentAccountId: "",
      industry: "",
      territory: "",
      ownerId: "",
      website: "https://acme.example",
      externalId: "",
      idempotencyKey: "key-1",
    });
  });

  it("trims what it keeps and names a failing field in snake_case", () => {
    const input = validate(service.create, CreateAccountRequest.fromPartial({ name: "  Acme  ", industry: " Retail", idempotencyKey: "k" }));
    expect(input).toEqual({ name: "Acme", parentAccountId: "", industry: "Retail", territory: "", ownerId: "", website: "", externalId: "", country: "", region: "", employeeCount: 0, idempotencyKey: "k" });
    expect(() => validate(service.create, CreateAccountRequest.fromPartial({ name: "Acme", parentAccountId: "no such id!" }))).toThrow(
      new InvalidArgument("parent_account_id", "parent_account_id: must be a record id"),
    );
    expect(() => validate(service.create, CreateAccountRequest.fromPartial({ name: "Acme", website: `https://${chars(193)}` }))).toThrow(
      "website: must be at most 200 characters",
    );
  });

  it("checks a get's id", () => {
    expect(validate(service.get, { id: " a1 " })).toEqual({ id: "a1" });
    expect(() => validate(service.get, { id: "" })).toThrow("id: is required");
  });
});

describe("an account: the list", () => {
  it("takes limit, cursor, sort over the sortable fields and the filters, nothing else", () => {
    expect(gateway.list.parse({ limit: "20", sort: "-name", industry: "Retail" })).toEqual({ limit: 20, sort: "-name", industry: "Retail" });
    expect(gateway.list.safeParse({ sort: "website" }).success).toBe(false);
    expect(gateway.list.safeParse({ website: "https://acme.example" }).success).toBe(false);
    expect(gateway.list.safeParse({ limit: "201" }).success).toBe(false);
  });

  it("builds the list request and the service reads its filters", () => {
    const request = listRequest(account, { limit: 20, sort: "-name", ownerId: "rep-1" });
    expect(request).toEqual({ page: { pageSize: 20, cursor: "", sort: "-name" }, parentAccountId: "", industry: "", territory: "", ownerId: "rep-1", externalId: "", country: "", region: "" });
    expect(validate(serviceSchemas(account).list, request)).toEqual({ ownerId: "rep-1" });
  });
});

describe("an account: the OpenAPI components", () => {
  const schemas = components();

  it("names the schemas as the gateway does", () => {
    expect(Object.keys(schemas).sort()).toEqual(["Account", "AccountCreate", "AccountPage", "AccountUpdate"]);
  });

  it("says every limit the service enforces", () => {
    const create = schemas.AccountCreate as { properties: Record<string, Record<string, unknown>>; required: string[]; additionalProperties: boolean };
    expect(create.additionalProperties).toBe(false);
    expect(create.required).toEqual(["name"]);
    // Not blank: U+FEFF (in JavaScript's \\s) spelled out for generators in other languages.
    expect(create.properties.name).toMatchObject({ type: "string", minLength: 1, maxLength: 200, pattern: "[^\\s\\uFEFF]" });
    expect(create.properties.website).toMatchObject({ maxLength: 200, pattern: "^[Hh][Tt][Tt][Pp][Ss]?:\\/\\/[^\\s\\uFEFF/$.?#][^\\s\\uFEFF]*$" });
    expect(create.properties.industry).toMatchObject({ maxLength: 200 });
    expect(create.properties.parentAccountId).toMatchObject({ pattern: "^[A-Za-z0-9_-]{1,64}$" });
    expect(create.properties.ownerId).toMatchObject({ pattern: "^[A-Za-z0-9@._:-]{1,128}$", description: "Defaults to the caller." });
  });

  it("makes a patch strict, with at least one property and null only where a field can be cleared", () => {
    const update = schemas.AccountUpdate as { properties: Record<string, Record<string, unknown>>; minProperties: number; additionalProperties: boolean };
    expect(update.minProperties).toBe(1);
    expect(update.additionalProperties).toBe(false);
    expect(update.properties.website!.anyOf).toEqual(expect.arrayContaining([{ type: "null" }]));
    expect(update.properties.name!.anyOf).toBeUndefined();
  });

  it("serves the version as an integer of at least 1", () => {
    const json = schemas.Account as { properties: Record<string, Record<string, unknown>> };
    expect(json.properties.version).toMatchObject({ type: "integer", minimum: 1 });
  });
});

describe("an account: the JSON the API serves", () => {
  const messages: [Account, Record<string, unknown>][] = [
    [{
      id: "a1",
      tenantId: "t1",
      name: "Acme",
      parentAccountId: "",
      industry: "Retail",
      territory: "",
      ownerId: "rep-1",
      website: "https://acme.example",
      externalId: "crm-17",
      country: "PL",
      region: "",
      employeeCount: 250,
      version: "3",
      createdAt: "2026-01-02T03:04:05.000Z",
      updatedAt: "2026-01-03T03:04:05.000Z",
    },
    {
      id: "a1",
      tenantId: "t1",
      name: "Acme",
      parentAccountId: null,
      industry: "Retail",
      territory: null,
      ownerId: "rep-1",
      website: "https://acme.example",
      externalId: "crm-17",
      country: "PL",
      region: null,
      employeeCount: 250,
      version: 3,
      createdAt: "2026-01-02T03:04:05.000Z",
      updatedAt: "2026-01-03T03:04:05.000Z",
    }],
    [
      Account.fromPartial({ id: "a2", tenantId: "t1", name: "", version: "1" }),
      { id: "a2", tenantId: "t1", name: "", parentAccountId: null, industry: null, territory: null, ownerId: null, website: null, externalId: null, country: null, region: null, employeeCount: 0, version: 1, createdAt: null, updatedAt: null },
    ],
  ];

  it.each(messages)("\"\" as null, the version as a number, a required name as it is (%#)", (message, json) => {
    expect(toJson(account, message)).toEqual(json);
  });

  it("serves JSON its own schema accepts", () => {
    expect(gateway.json.safeParse(toJson(account, messages[0]![0])).success).toBe(true);
  });
});

describe("an account: the store", () => {
  it("stores every field with the base fields and the outbox", () => {
    const schema = mongooseSchema(account);
    for (const path of ["_id", "tenantId", "version", "createdAt", "updatedAt", "idempotencyKey", "requestHash", "outbox", "name", "website", "ownerId"]) {
      expect(schema.path(path)).toBeDefined();
    }
    expect(schema.path("name").isRequired).toBe(true);
    expect(schema.get("collection")).toBe("accounts");
  });

  it("validates a record built from the service's checked input, and defaults what the create left empty", async () => {
    const db = createConnection(); // never connected: validation only
    const Accounts = db.model("Account", mongooseSchema(account));
    const input = validate(service.create, CreateAccountRequest.fromPartial({ name: "Acme", idempotencyKey: "k1" }));
    const now = new Date();
    const doc = new Accounts({ _id: "a1", tenantId: "t1", version: 1, createdAt: now, updatedAt: now, requestHash: "", ...input });
    await expect(doc.validate()).resolves.toBeUndefined();
    expect(doc.toObject()).toMatchObject({ name: "Acme", website: "", outbox: [] });
    const nameless = new Accounts({ _id: "a2", tenantId: "t1", version: 1, createdAt: now, updatedAt: now, idempotencyKey: "k2" });
    await expect(nameless.validate()).rejects.toMatchObject({ errors: { name: expect.anything() } });
  });

  it("indexes every sort and filter behind the tenant", () => {
    const indexes = resourceIndexes(account).map((i) => i.fields);
    expect(indexes).toEqual([
      { tenantId: 1, idempotencyKey: 1 },
      { tenantId: 1, createdAt: -1, _id: -1 },
      { tenantId: 1, updatedAt: -1, _id: -1 },
      { tenantId: 1, name: 1, _id: 1 },
      { tenantId: 1, parentAccountId: 1, createdAt: -1, _id: -1 },
      { tenantId: 1, industry: 1, createdAt: -1, _id: -1 },
      { tenantId: 1, territory: 1, createdAt: -1, _id: -1 },
      { tenantId: 1, ownerId: 1, createdAt: -1, _id: -1 },
      { tenantId: 1, externalId: 1, createdAt: -1, _id: -1 },
      { tenantId: 1, country: 1, createdAt: -1, _id: -1 },
      { tenantId: 1, region: 1, createdAt: -1, _id: -1 },
    ]);
    expect(mongooseSchema(account).indexes().every(([fields]) => Object.keys(fields)[0] === "tenantId")).toBe(true);
  });

  it("turns a record into its message", () => {
    const record: ResourceRecord<typeof account.fields> = {
      _id: "a1",
      tenantId: "t1",
      version: 3,
      createdAt: new Date("2026-01-02T03:04:05Z"),
      updatedAt: new Date("2026-01-03T03:04:05Z"),
      idempotencyKey: "k1",
      requestHash: "",
      name: "Acme",
      parentAccountId: "",
      industry: "Retail",
      territory: "",
      ownerId: "rep-1",
      website: "",
      externalId: "crm-17",
      country: "PL",
      region: "Mazowieckie",
      employeeCount: 40,
    };
    const message: Account = toMessage(account, record);
    expect(message).toEqual({
      id: "a1",
      tenantId: "t1",
      name: "Acme",
      parentAccountId: "",
      industry: "Retail",
      territory: "",
      ownerId: "rep-1",
      website: "",
      externalId: "crm-17",
      country: "PL",
      region: "Mazowieckie",
      employeeCount: 40,
      version: "3",
      createdAt: "2026-01-02T03:04:05.000Z",
      updatedAt: "2026-01-03T03:04:05.000Z",
    });
    expect(Account.decode(Account.encode(message).finish())).toEqual(message);
  });
});

describe("an account: events and permissions", () => {
  it("publishes on <name>.<event>", () => {
    expect(eventSubjects(account)).toEqual({
      created: "sales.account.created",
      updated: "sales.account.updated",
      deleted: "sales.account.deleted",
      restored: "sales.account.restored",
    });
  });

  it("gives the permission rows of its operations: read, write (create and update), delete", () => {
    const rows = permissionRows(account);
    expect(Object.keys(rows)).toEqual(["accounts.read", "accounts.write", "accounts.delete"]);
    expect(rows["accounts.read"]).toEqual({ roles: account.access.read, scopes: ["sales:read"], description: "list and read accounts" });
    expect(rows["accounts.write"]).toEqual({ roles: account.access.write, scopes: [], description: "create and update accounts" });
    expect(rows["accounts.delete"]).toEqual({ roles: account.access.write, scopes: [], description: "delete accounts to the recycle bin and restore them" });
    expect(partnerScopes([account, opportunity])).toEqual(["sales:read"]);
  });

  it("lists the fields carrying personal data", () => {
    expect(account.pii).toEqual(["website"]);
  });
});

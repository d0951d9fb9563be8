import { CreateAccountRequest, ListAccountsRequest, UpdateAccountRequest } from "@relata/proto/sales/v1/account";
import { createRequest, gatewaySchemas, listRequest, updateRequest } from "@relata/platform/resource";
import { account } from "@relata/sales/resources";
import type { BackendClients } from "../../src/backends";
import type { SalesClients } from "@relata/sales/client";
import { openApiDocument } from "../../src/openapi/document";
import { crudSchemas, route, type RouteSpec } from "@relata/platform/http";
import { allRoutes } from "../../src/routes/index";
import { accountRoutes } from "@relata/sales/http";

/**
 * The described resources' schemas are the gateway's: registered under their names, used by
 * the routes crudRoutes derives, turned into its OpenAPI 3.1 document.
 */
type Doc = {
  paths: Record<string, Record<string, { parameters: { name: string; in: string; schema: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: unknown }> } }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

const doc = openApiDocument(allRoutes({ sales: {} } as BackendClients), { publicUrl: "https://api.example.test", issuer: "https://id.example.test/realms/relata" }) as Doc;

describe("the derived schemas in the gateway's OpenAPI document", () => {
  it("are components referenced by the operations", () => {
    expect(doc.paths["/v1/accounts"]!.post!.requestBody!.content["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/AccountCreate" });
    expect(doc.paths["/v1/accounts/{id}"]!.patch!.requestBody!.content["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/AccountUpdate" });
    expect(doc.components.schemas.AccountUpdate).toMatchObject({ minProperties: 1, additionalProperties: false, description: "Fields to change; null clears an optional field." });
    expect(doc.components.schemas.AccountCreate).toMatchObject({ required: ["name"], additionalProperties: false });
    for (const name of ["Account", "AccountPage", "Contact", "ContactCreate", "Lead", "LeadUpdate", "Opportunity", "OpportunityPage", "Activity", "ActivityTarget"]) {
      expect(doc.components.schemas[name]).toBeDefined();
    }
  });

  it("give each list query parameter its constraint", () => {
    const params = Object.fromEntries(doc.paths["/v1/accounts"]!.get!.parameters.filter((p) => p.in === "query").map((p) => [p.name, p.schema]));
    expect(Object.keys(params)).toEqual(["limit", "cursor", "sort", "parentAccountId", "industry", "territory", "ownerId", "externalId", "country", "region"]);
    expect(params.sort!.enum).toEqual(["createdAt", "-createdAt", "updatedAt", "-updatedAt", "name", "-name"]);
    expect(params.industry).toMatchObject({ maxLength: 200 });
    expect(params.parentAccountId).toMatchObject({ pattern: "^[A-Za-z0-9_-]{1,64}$" });
  });

  it("are the kit's schemas of the description, built once", () => {
    accountRoutes({} as SalesClients);
    expect(crudSchemas(account)).toBe(gatewaySchemas(account));
  });
});

// The handlers are never called; they show that the validated bodies and query are typed as the
// request builders take them, with no cast.
const schemas = gatewaySchemas(account);
export const typed: RouteSpec[] = [
  route({
    operationId: "listAccounts",
    method: "get",
    path: "/v1/accounts",
    operation: "accounts.read",
    tag: "Accounts",
    summary: "List accounts",
    query: schemas.list,
    responses: {},
    handler: async (ctx) => ({ body: ListAccountsRequest.fromPartial(listRequest(account, ctx.query)) }),
  }),
  route({
    operationId: "createAccount",
    method: "post",
    path: "/v1/accounts",
    operation: "accounts.write",
    tag: "Accounts",
    summary: "Create an account",
    body: schemas.create,
    responses: {},
    handler: async (ctx) => ({ body: CreateAccountRequest.fromPartial(createRequest(account, ctx.body, ctx.idempotencyKey)) }),
  }),
  route({
    operationId: "updateAccount",
    method: "patch",
    path: "/v1/accounts/:id",
    operation: "accounts.write",
    tag: "Accounts",
    summary: "Change an account",
    body: schemas.update,
    responses: {},
    handler: async (ctx) => ({ body: UpdateAccountRequest.fromPartial(updateRequest(account, "a1", ctx.expectedVersion, ctx.body)) }),
  }),
];

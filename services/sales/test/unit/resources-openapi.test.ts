import { openApiDocument } from "../../../../gateway/src/openapi/document";
import { route, type RouteSpec } from "../../../../gateway/src/routes/define";
import { named } from "../../../../gateway/src/schemas/registry";
import { CreateAccountRequest, ListAccountsRequest, UpdateAccountRequest } from "@relata/proto/sales/v1/account";
import { z } from "zod";
import { createRequest, gatewaySchemas, listRequest, updateRequest } from "@relata/platform/resource";
import { account } from "../../src/resources";

/**
 * The derived schemas plug into the gateway as it is: registered with its `named()`, used by its
 * route descriptions, turned into its OpenAPI 3.1 document. (A test file of its own: the
 * gateway's hand-written account schemas hold the same names in the same registry.)
 */
const schemas = gatewaySchemas(account);
for (const n of schemas.named) named(n.id, n.schema, n.description);

// The handlers are never called here; they show that the validated bodies and query are typed
// as the request builders take them, with no cast.

const routes: RouteSpec[] = [
  route({
    operationId: "listAccounts",
    method: "get",
    path: "/v1/accounts",
    operation: "accounts.read",
    tag: "Accounts",
    summary: "List accounts",
    query: schemas.list,
    responses: { 200: { description: "One page.", schema: schemas.page } },
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
    responses: { 201: { description: "Created.", schema: schemas.json } },
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
    ifMatch: "required",
    params: z.strictObject({ id: z.string() }),
    responses: { 200: { description: "The changed account.", schema: schemas.json } },
    handler: async (ctx) => ({ body: UpdateAccountRequest.fromPartial(updateRequest(account, ctx.params.id, ctx.expectedVersion, ctx.body)) }),
  }),
];

type Doc = {
  paths: Record<string, Record<string, { parameters: { name: string; in: string; schema: Record<string, unknown> }[]; requestBody?: { content: Record<string, { schema: unknown }> } }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

describe("the derived schemas in the gateway's OpenAPI document", () => {
  const doc = openApiDocument(routes, { publicUrl: "https://api.example.test", issuer: "https://id.example.test/realms/relata" }) as Doc;

  it("are components referenced by the operations", () => {
    expect(doc.paths["/v1/accounts"]!.post!.requestBody!.content["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/AccountCreate" });
    expect(doc.paths["/v1/accounts/{id}"]!.patch!.requestBody!.content["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/AccountUpdate" });
    expect(doc.components.schemas.AccountUpdate).toMatchObject({ minProperties: 1, additionalProperties: false, description: "Fields to change; null clears an optional field." });
    expect(doc.components.schemas.AccountCreate).toMatchObject({ required: ["name"], additionalProperties: false });
  });

  it("give each list query parameter its constraint", () => {
    const params = Object.fromEntries(doc.paths["/v1/accounts"]!.get!.parameters.filter((p) => p.in === "query").map((p) => [p.name, p.schema]));
    expect(Object.keys(params)).toEqual(["limit", "cursor", "sort", "parentAccountId", "industry", "territory", "ownerId"]);
    expect(params.sort!.enum).toEqual(["createdAt", "-createdAt", "updatedAt", "-updatedAt", "name", "-name"]);
    expect(params.industry).toMatchObject({ maxLength: 200 });
    expect(params.parentAccountId).toMatchObject({ pattern: "^[A-Za-z0-9_-]{1,64}$" });
  });
});

import type { z } from "zod";
import { noClients } from "../support/clients";
import { crudSchemas, CURRENCY_CODES, expectedVersionFrom, HttpProblem, IDEMPOTENCY_KEY, idempotencyKeyFrom, IF_MATCH, versionInIfMatch } from "@relata/platform/http";
import { TENANT_ID_PATTERN } from "@relata/platform";
import { openApiDocument } from "../../src/openapi/document";
import { validate } from "../../src/routes/define";
import { allRoutes } from "../../src/routes/index";
import { account, activity, contact, lead, opportunity } from "@relata/sales/resources";
import { LeadAssignmentRuleUpdate, LeadConvert, LeadQualify, OpportunityStageChange, PipelineJson, PipelineUpdate } from "@relata/sales/http";

/**
 * The gateway's schemas say what Sales accepts (services/sales rpc validation and domain
 * rules), and the OpenAPI document says it too, so a client (or the fuzzing stage) that
 * follows the document is not refused.
 */
type Json = Record<string, unknown>;

function refusal(fn: () => unknown): HttpProblem {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpProblem) return err;
    throw err;
  }
  throw new Error("was accepted");
}

const body = <S extends z.ZodType>(schema: S, value: unknown) => validate(schema, value, "body");
const doc = openApiDocument(allRoutes(noClients()), { publicUrl: "https://api.example.test", issuer: "https://id.example.test/realms/relata" }) as {
  paths: Record<string, Record<string, { parameters: (Json & { name: string; in: string; schema: Json })[]; responses: Record<string, Json> }>>;
  components: { schemas: Record<string, Json & { properties?: Record<string, Json> }> };
};
// The described resources' schemas, as the routes built and registered them.
const [AccountCreate, AccountUpdate] = [crudSchemas(account).create, crudSchemas(account).update];
const [ContactCreate, ContactUpdate] = [crudSchemas(contact).create, crudSchemas(contact).update];
const [LeadCreate, LeadUpdate] = [crudSchemas(lead).create, crudSchemas(lead).update];
const [OpportunityCreate, OpportunityUpdate] = [crudSchemas(opportunity).create, crudSchemas(opportunity).update];
const [ActivityCreate, ActivityUpdate, ActivityListQuery] = [crudSchemas(activity).create, crudSchemas(activity).update, crudSchemas(activity).list];
const component = (id: string) => doc.components.schemas[id]!;
const property = (id: string, name: string) => component(id).properties![name]!;
const parameter = (path: string, method: string, name: string) => doc.paths[path]![method]!.parameters.find((p) => p.name === name)!;

describe("field limits are Sales' limits", () => {
  const url = (length: number) => `https://${"a".repeat(length - 16)}.example`;
  test("website: an http(s) URL of at most 200 characters, as Sales checks it", () => {
    expect(url(200)).toHaveLength(200);
    expect(body(AccountCreate, { name: "Acme", website: url(200) }).website).toBe(url(200));
    expect(refusal(() => body(AccountCreate, { name: "Acme", website: url(201) })).field).toBe("website");
    expect(body(AccountUpdate, { website: "HTTP://Acme.example/x" }).website).toBe("HTTP://Acme.example/x");
    for (const bad of ["ftp://acme.example", "http:acme.example", "http://.acme", "http://ac me.example"]) {
      expect(refusal(() => body(AccountCreate, { name: "Acme", website: bad })).field).toBe("website");
    }
    expect(property("AccountCreate", "website")).toMatchObject({ maxLength: 200, pattern: expect.any(String) });
  });
  test("email: at most 200 characters", () => {
    const email = (length: number) => `${"a".repeat(length - 13)}@acme.example`;
    expect(body(ContactCreate, { lastName: "Lovelace", email: email(200) }).email).toHaveLength(200);
    expect(refusal(() => body(ContactCreate, { lastName: "Lovelace", email: email(201) })).field).toBe("email");
    expect(property("LeadCreate", "email")).toMatchObject({ maxLength: 200, pattern: expect.any(String) });
    // The pattern is the whole rule: format "email" would also promise RFC 5321's limits.
    expect(property("LeadCreate", "email").format).toBeUndefined();
    expect(refusal(() => body(LeadCreate, { lastName: "Lovelace", email: "ada@localhost" })).field).toBe("email");
  });
  test("activity notes: at most 10,000 characters", () => {
    const activity = { type: "call", subject: "Intro", relatedTo: { type: "sales.lead", id: "l1" } };
    expect(body(ActivityCreate, { ...activity, notes: "n".repeat(10_000) }).notes).toHaveLength(10_000);
    expect(refusal(() => body(ActivityCreate, { ...activity, notes: "n".repeat(10_001) })).field).toBe("notes");
    expect(refusal(() => body(ActivityUpdate, { notes: "n".repeat(10_001) })).field).toBe("notes");
  });
  test("free text: at most 200 characters, and required text is not blank (Sales trims it)", () => {
    expect(body(LeadCreate, { lastName: "x".repeat(200), company: "c".repeat(200) }).lastName).toHaveLength(200);
    expect(refusal(() => body(LeadCreate, { lastName: "x".repeat(201) })).field).toBe("lastName");
    expect(refusal(() => body(LeadCreate, { lastName: " \t " })).field).toBe("lastName");
    expect(refusal(() => body(LeadCreate, { lastName: "\uFEFF" })).field).toBe("lastName");
    expect(refusal(() => body(OpportunityStageChange, { stageId: "lost", reason: "r".repeat(201) })).field).toBe("reason");
    expect(property("LeadCreate", "lastName")).toMatchObject({ minLength: 1, maxLength: 200, pattern: expect.any(String) });
  });
  test("close dates: every real calendar day, years 0000-0099 too (Sales reads them as written)", () => {
    expect(body(LeadConvert, { expectedCloseDate: "0100-01-01" }).expectedCloseDate).toBe("0100-01-01");
    expect(body(LeadConvert, { expectedCloseDate: "0099-12-31" }).expectedCloseDate).toBe("0099-12-31");
    expect(refusal(() => body(OpportunityUpdate, { expectedCloseDate: "2025-02-29" })).field).toBe("expectedCloseDate");
  });
  test("Idempotency-Key: at most 200 characters, like the key Sales stores", () => {
    expect(idempotencyKeyFrom("k".repeat(200))).toHaveLength(200);
    expect(refusal(() => idempotencyKeyFrom("k".repeat(201))).field).toBe("Idempotency-Key");
    expect(parameter("/v1/leads", "post", "Idempotency-Key").schema.pattern).toBe(IDEMPOTENCY_KEY.source);
  });
  test("round-robin reps: each once", () => {
    expect(refusal(() => body(LeadAssignmentRuleUpdate, { repIds: ["u1", "u2", "u1"] })).field).toBe("repIds.2");
    expect(property("LeadAssignmentRuleUpdate", "repIds")).toMatchObject({ uniqueItems: true, maxItems: 500 });
  });
});

describe("pipeline stages are Sales' stages", () => {
  const stage = (id: string, kind: string, probability = kind === "won" ? 100 : kind === "lost" ? 0 : 50) => ({ id, name: id, probability, kind });
  const ends = [stage("won", "won"), stage("lost", "lost")];
  test("ids: a slug that starts with a letter, at most 50 characters", () => {
    const id = "q" + "-".repeat(49);
    expect(body(PipelineUpdate, { stages: [stage(id, "open"), ...ends] }).stages[0]!.id).toBe(id);
    expect(refusal(() => body(PipelineUpdate, { stages: [stage(id + "x", "open"), ...ends] })).field).toBe("stages.0.id");
    expect(refusal(() => body(PipelineUpdate, { stages: [stage("1st", "open"), ...ends] })).field).toBe("stages.0.id");
    expect(refusal(() => body(OpportunityStageChange, { stageId: "_x" })).field).toBe("stageId");
    expect(refusal(() => body(OpportunityCreate, { accountId: "a1", name: "Deal", stageId: "9" })).field).toBe("stageId");
  });
  test("stage names: at most 200 characters, counted as characters on both sides (astral ones too)", () => {
    expect(body(PipelineUpdate, { stages: [{ ...stage("a", "open"), name: "\u{1F680}".repeat(200) }, ...ends] }).stages[0]!.name).toHaveLength(400);
    expect(refusal(() => body(PipelineUpdate, { stages: [{ ...stage("a", "open"), name: "\u{1F680}".repeat(201) }, ...ends] })).field).toBe("stages.0.name");
  });
  test("3 to 50 stages", () => {
    const open = (n: number) => Array.from({ length: n }, (_, i) => stage(`s${i}`, "open"));
    expect(body(PipelineUpdate, { stages: [...open(48), ...ends] }).stages).toHaveLength(50);
    expect(refusal(() => body(PipelineUpdate, { stages: [...open(49), ...ends] })).field).toBe("stages");
  });
  test("the won stage has probability 100 and the lost stage 0, and the document says so", () => {
    expect(refusal(() => body(PipelineUpdate, { stages: [stage("a", "open"), stage("won", "won", 90), stage("lost", "lost")] })).field).toBe("stages.1.probability");
    expect(refusal(() => body(PipelineUpdate, { stages: [stage("a", "open"), stage("won", "won"), stage("lost", "lost", 5)] })).field).toBe("stages.2.probability");
    expect(JSON.stringify(component("PipelineStage").allOf)).toContain('"const":100');
    const stages = component("PipelineUpdate").properties!.stages as Json;
    expect(stages).toMatchObject({ minItems: 3, maxItems: 50 });
    expect(stages.allOf).toEqual(
      expect.arrayContaining([expect.objectContaining({ minContains: 1, maxContains: 1, contains: expect.objectContaining({ properties: { kind: { const: "won" } } }) })]),
    );
  });
  test("a tenant's default pipeline is version 0, which the schema allows", () => {
    expect(PipelineJson.safeParse({ stages: [], version: 0 }).success).toBe(true);
    expect(component("Pipeline").properties!.version).toMatchObject({ minimum: 0 });
    expect(versionInIfMatch('"0"')).toBe("0");
  });
});

describe("currencies are ISO 4217 codes, as Sales knows them", () => {
  test("a real list, not any three letters", () => {
    expect(CURRENCY_CODES).toEqual(expect.arrayContaining(["EUR", "USD", "JPY", "CHF"]));
    expect(CURRENCY_CODES).not.toContain("AAA");
    expect(new Set(CURRENCY_CODES)).toEqual(new Set(Intl.supportedValuesOf("currency")));
    expect(body(OpportunityUpdate, { amount: { amount: "12.50", currency: "EUR" } }).amount).toEqual({ amount: "12.50", currency: "EUR" });
    expect(refusal(() => body(OpportunityUpdate, { amount: { amount: "1", currency: "AAA" } })).field).toBe("amount.currency");
    expect((component("Money").properties!.currency as Json).enum).toEqual(CURRENCY_CODES);
  });
});

describe("rules across fields are in the document", () => {
  test("a PATCH names at least one field: minProperties 1", () => {
    for (const [id, schema] of [["AccountUpdate", AccountUpdate], ["ContactUpdate", ContactUpdate], ["LeadUpdate", LeadUpdate], ["OpportunityUpdate", OpportunityUpdate], ["ActivityUpdate", ActivityUpdate]] as const) {
      expect(component(id).minProperties).toBe(1);
      expect(refusal(() => body(schema, {})).field).toBe("body");
    }
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (methods.patch) expect([path, (doc.paths[path]!.patch as unknown as { requestBody: { content: Record<string, { schema: { $ref: string } }> } }).requestBody.content["application/json"]!.schema.$ref]).toEqual([path, expect.stringMatching(/Update$/)]);
    }
  });
  test("relatedType and relatedId go together: dependentRequired", () => {
    const filter = parameter("/v1/activities", "get", "filter");
    expect(filter).toMatchObject({ in: "query", style: "form", explode: true });
    expect(filter.schema.dependentRequired).toEqual({ relatedType: ["relatedId"], relatedId: ["relatedType"] });
    expect(Object.keys(filter.schema.properties as Json)).toEqual(expect.arrayContaining(["limit", "cursor", "relatedType", "relatedId", "open"]));
    expect(refusal(() => validate(ActivityListQuery, { relatedId: "abc" }, "query")).field).toBe("relatedType");
  });
  test("disqualifying needs a reason: if/then", () => {
    expect(component("LeadQualify")).toMatchObject({ if: { properties: { qualified: { const: false } } }, then: { required: ["reason"] } });
    expect(body(LeadQualify, { qualified: true }).qualified).toBe(true);
    expect(refusal(() => body(LeadQualify, { qualified: false, reason: "  " })).field).toBe("reason");
  });
  test("an activity is linked to a record that is not an activity", () => {
    expect(refusal(() => body(ActivityCreate, { type: "call", subject: "x", relatedTo: { type: "sales.activity", id: "a1" } })).field).toBe("relatedTo.type");
    expect((component("ActivityTarget").properties!.type as Json).enum).toEqual(["sales.account", "sales.contact", "sales.lead", "sales.opportunity"]);
  });
  test("ids that must name an existing record are marked as references", () => {
    expect(property("ContactCreate", "accountId")).toMatchObject({ "x-relata-reference": "account" });
    expect(property("OpportunityCreate", "accountId")).toMatchObject({ "x-relata-reference": "account" });
    expect(property("OpportunityStageChange", "stageId")).toMatchObject({ "x-relata-reference": expect.stringContaining("stage") });
    expect(property("ActivityTarget", "id")).toMatchObject({ "x-relata-reference": expect.any(String) });
    // An assignment without a round robin is a 409 (stored state), not a field the schema could require.
    expect(property("LeadAssign", "ownerId")).not.toHaveProperty("x-relata-state-dependent");
  });
});

describe("headers", () => {
  test("X-Relata-Tenant has the platform's tenant-id pattern", () => {
    expect(parameter("/v1/leads", "get", "X-Relata-Tenant").schema.pattern).toBe(TENANT_ID_PATTERN.source);
    for (const ok of ["acme", "globex-2", "0day"]) expect(TENANT_ID_PATTERN.test(ok)).toBe(true);
    for (const bad of ["", "Acme", "-acme", "acme_corp", "a".repeat(64)]) expect(TENANT_ID_PATTERN.test(bad)).toBe(false);
  });
  test("If-Match is one strong tag or *: a pattern in the document, enforced", () => {
    expect(parameter("/v1/leads/{id}", "patch", "If-Match").schema.pattern).toBe(IF_MATCH.source);
    expect(expectedVersionFrom('"123456789012345"')).toBe("123456789012345");
    expect(refusal(() => expectedVersionFrom('"1234567890123456"')).status).toBe(400);
    expect(refusal(() => expectedVersionFrom('"07"')).status).toBe(400);
    expect(refusal(() => expectedVersionFrom("")).status).toBe(400);
    expect(refusal(() => expectedVersionFrom('W/"7"')).status).toBe(412);
    for (const value of ['"7"', "*", '"0"']) expect(IF_MATCH.test(value)).toBe(true);
    for (const value of ['W/"7"', "7", '"7", "8"', '"-1"']) expect(IF_MATCH.test(value)).toBe(false);
  });
  test("a body whose fields are all optional may be left out; others are required", () => {
    type Op = { requestBody?: { required: boolean } };
    const op = (path: string, method: string) => doc.paths[path]![method] as unknown as Op;
    expect(op("/v1/leads/{id}/assign", "post").requestBody!.required).toBe(false);
    expect(op("/v1/leads/{id}/convert", "post").requestBody!.required).toBe(false);
    expect(op("/v1/leads", "post").requestBody!.required).toBe(true);
    expect(op("/v1/leads/{id}", "patch").requestBody!.required).toBe(true);
  });
  test("429 is documented with Retry-After", () => {
    expect(doc.paths["/v1/leads"]!.get!.responses["429"]).toMatchObject({ headers: { "Retry-After": expect.any(Object) } });
  });
});

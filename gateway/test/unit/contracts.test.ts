import { status } from "@grpc/grpc-js";
import type { z } from "zod";
import { Metadata } from "@grpc/grpc-js";
import { LeadStatus } from "@relata/proto/sales/v1/lead";
import { crudSchemas, etagOf, expectedVersionFrom, HttpProblem, idempotencyKeyFrom, ifNoneMatchHits, versionInIfMatch } from "@relata/platform/http";
import { apiFieldName, problemFromGrpc } from "../../src/http/problem";
import { openApiDocument } from "../../src/openapi/document";
import { validate } from "../../src/routes/define";
import { allRoutes } from "../../src/routes/index";
import type { BackendClients } from "../../src/backends";
import type { EnumCodec } from "@relata/platform/resource";
import { activity, activityType, lead as leadResource, leadSource, leadStatus, opportunityStatus, stageKind } from "@relata/sales/resources";
import { LeadQualify, PipelineUpdate } from "@relata/sales/http";

// The routes register the described resources' schemas (with the activity list's extra parameters).
allRoutes({ sales: {} } as BackendClients);
const LeadCreate = crudSchemas(leadResource).create as unknown as z.ZodObject;
const ActivityListQuery = crudSchemas(activity).list;

function grpcError(code: status, details: string, field?: string) {
  const metadata = new Metadata();
  if (field) metadata.set("relata-field", field);
  return Object.assign(new Error(details), { code, details, metadata });
}

function failure(fn: () => unknown): HttpProblem {
  try {
    fn();
  } catch (err) {
    return err as HttpProblem;
  }
  throw new Error("did not fail");
}

describe("gRPC status → problem", () => {
  test.each([
    [status.INVALID_ARGUMENT, 400],
    [status.NOT_FOUND, 404],
    [status.FAILED_PRECONDITION, 412],
    [status.ABORTED, 409],
    [status.ALREADY_EXISTS, 409],
    [status.UNAUTHENTICATED, 401],
    [status.PERMISSION_DENIED, 403],
    [status.DEADLINE_EXCEEDED, 504],
    [status.UNAVAILABLE, 503],
    [status.INTERNAL, 500],
    [status.UNKNOWN, 500],
    [status.UNIMPLEMENTED, 500],
    [status.RESOURCE_EXHAUSTED, 500],
  ])("gRPC %s → HTTP %s", (code, httpStatus) => {
    expect(problemFromGrpc(grpcError(code, "x"))!.status).toBe(httpStatus);
  });

  test("the service's field is named the API's way", () => {
    expect(problemFromGrpc(grpcError(status.INVALID_ARGUMENT, "bad", "amount.currency"))!.field).toBe("amount.currency");
    expect(problemFromGrpc(grpcError(status.INVALID_ARGUMENT, "bad", "last_name"))!.field).toBe("lastName");
    expect(problemFromGrpc(grpcError(status.INVALID_ARGUMENT, "bad", "related_to.type"))!.field).toBe("relatedTo.type");
    expect(problemFromGrpc(grpcError(status.FAILED_PRECONDITION, "stale", "version"))!.field).toBe("If-Match");
    expect(problemFromGrpc(grpcError(status.ALREADY_EXISTS, "reused", "idempotency_key"))!.field).toBe("Idempotency-Key");
    expect(apiFieldName("page_size")).toBe("limit");
    expect(apiFieldName("stages.2.probability")).toBe("stages.2.probability");
  });

  test("a refused delete's dependents become the problem's `dependents`", () => {
    const err = grpcError(status.ABORTED, "account a-1 cannot be deleted while other records depend on it: contact (2)", "id");
    err.metadata.set("relata-dependents", JSON.stringify([{ what: "contact", count: 2 }]));
    const p = problemFromGrpc(err)!;
    expect(p).toMatchObject({ status: 409, kind: "conflict", options: { dependents: [{ what: "contact", count: 2 }] } });
    expect(problemFromGrpc(grpcError(status.ABORTED, "converted"))!.options.dependents).toBeUndefined();
  });

  test("internals never leak: details of unexpected statuses are replaced", () => {
    const p = problemFromGrpc(grpcError(status.INTERNAL, "TypeError: cannot read x of undefined at /srv/app.js:10", "secret_field"))!;
    expect(p.detail).toBe("an internal error occurred");
    expect(p.field).toBeUndefined();
    expect(problemFromGrpc(grpcError(status.UNAVAILABLE, "connect ECONNREFUSED 10.1.2.3:50051"))!.detail).not.toMatch(/10\.1/);
  });

  test("anything that is not a gRPC error is not mapped here", () => {
    expect(problemFromGrpc(new Error("boom"))).toBeUndefined();
  });
});

describe("ETag and If-Match", () => {
  test("strong tags from versions; If-Match read into the expected version", () => {
    expect(etagOf("7")).toBe('"7"');
    expect(expectedVersionFrom('"7"')).toBe("7");
    expect(expectedVersionFrom(" \"12\" ")).toBe("12");
    expect(expectedVersionFrom("*")).toBe("0");
    expect(expectedVersionFrom(undefined)).toBeUndefined();
  });
  test('a record\'s If-Match "0" is stale (no record has version 0); the pipeline reads it as a version', () => {
    const stale = failure(() => expectedVersionFrom('"0"'));
    expect([stale.status, stale.field]).toEqual([412, "If-Match"]);
    expect(versionInIfMatch('"0"')).toBe("0");
    expect(versionInIfMatch('"7"')).toBe("7");
    expect(versionInIfMatch("*")).toBeUndefined();
    expect(versionInIfMatch(undefined)).toBeUndefined();
    expect(failure(() => versionInIfMatch('W/"0"')).status).toBe(412);
  });
  test("weak tags never match (412); malformed or several tags are a 400", () => {
    expect(failure(() => expectedVersionFrom('W/"7"')).status).toBe(412);
    expect(failure(() => expectedVersionFrom("7")).status).toBe(400);
    expect(failure(() => expectedVersionFrom('"7", "8"')).field).toBe("If-Match");
  });
  test("If-None-Match", () => {
    expect(ifNoneMatchHits('"3"', '"3"')).toBe(true);
    expect(ifNoneMatchHits('"2", W/"3"', '"3"')).toBe(true);
    expect(ifNoneMatchHits('"2"', '"3"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"3"')).toBe(false);
  });
  test("Idempotency-Key: token or quoted string, bounded", () => {
    expect(idempotencyKeyFrom(undefined)).toBe("");
    expect(idempotencyKeyFrom("abc-123")).toBe("abc-123");
    expect(idempotencyKeyFrom('"8e03978e-40d5"')).toBe("8e03978e-40d5");
    expect(failure(() => idempotencyKeyFrom("x".repeat(300))).field).toBe("Idempotency-Key");
    expect(failure(() => idempotencyKeyFrom("has space")).status).toBe(400);
  });
});

describe("request schemas", () => {
  const lead = { lastName: "Hopper", company: "Navy" };
  test("unknown fields are refused, named", () => {
    expect(failure(() => validate(LeadCreate, { ...lead, tenantId: "globex" }, "body")).field).toBe("tenantId");
  });
  test("the first failing field is named with its path", () => {
    expect(failure(() => validate(LeadCreate, { company: "Navy" }, "body")).field).toBe("lastName");
    expect(failure(() => validate(LeadCreate, { ...lead, email: "no" }, "body")).field).toBe("email");
    expect(failure(() => validate(LeadQualify, { qualified: false }, "body")).field).toBe("reason");
    expect(failure(() => validate(LeadCreate, null, "body")).field).toBe("body");
  });
  test("pipeline rules: unique ids, one won, one lost, an open stage", () => {
    const stage = (id: string, kind: string) => ({ id, name: id, probability: kind === "won" ? 100 : kind === "lost" ? 0 : 50, kind });
    expect(validate(PipelineUpdate, { stages: [stage("a", "open"), stage("w", "won"), stage("l", "lost")] }, "body").stages).toHaveLength(3);
    expect(failure(() => validate(PipelineUpdate, { stages: [stage("a", "open"), stage("a", "won"), stage("l", "lost")] }, "body")).field).toBe("stages.1.id");
    expect(failure(() => validate(PipelineUpdate, { stages: [stage("a", "open"), stage("w", "won"), stage("x", "won"), stage("l", "lost")] }, "body")).field).toBe("stages");
    expect(failure(() => validate(PipelineUpdate, { stages: [stage("a", "open"), stage("w", "won"), { ...stage("l", "lost"), probability: 101 }] }, "body")).field).toBe("stages.2.probability");
  });
  test("query parameters: related record filter needs both parts", () => {
    expect(failure(() => validate(ActivityListQuery, { relatedType: "sales.lead" }, "query")).field).toBe("relatedId");
    expect(validate(ActivityListQuery, { relatedType: "sales.lead", relatedId: "abc", limit: "10" }, "query").limit).toBe(10);
    // The record's resource in full: the short word is not a type.
    expect(failure(() => validate(ActivityListQuery, { relatedType: "lead", relatedId: "abc" }, "query")).field).toBe("relatedType");
  });
});

describe("enum words", () => {
  test("every proto value but UNSPECIFIED has a lower-case word, both ways", () => {
    const maps: EnumCodec[] = [leadStatus, leadSource, opportunityStatus, stageKind, activityType];
    for (const map of maps) {
      for (const word of map.words) {
        expect(word).toMatch(/^[a-z_]+$/);
        expect(map.fromProto(map.toProto(word))).toBe(word);
      }
    }
    expect(leadStatus.words).toEqual(["new", "qualified", "disqualified", "converted"]);
    expect(leadStatus.toProto("converted")).toBe(LeadStatus.LEAD_STATUS_CONVERTED);
    expect(leadStatus.fromProto(LeadStatus.LEAD_STATUS_UNSPECIFIED)).toBeNull();
    expect(activityType.words).toEqual(["task", "call", "meeting", "email"]);
    expect(opportunityStatus.words).toEqual(["open", "won", "lost"]);
    expect(leadSource.words).toContain("web_form");
  });
});

describe("the OpenAPI document", () => {
  const doc = openApiDocument(allRoutes({ sales: {} } as BackendClients), { publicUrl: "https://api.example.test", issuer: "https://id.example.test/realms/relata" }) as {
    openapi: string;
    paths: Record<string, Record<string, { operationId: string; requestBody?: { content: Record<string, { schema: { $ref: string } }> }; parameters: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[]; responses: Record<string, unknown> }>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[]; additionalProperties?: boolean }> };
  };

  test("is OpenAPI 3.1 with every route and the required REST surface", () => {
    expect(doc.openapi).toBe("3.1.0");
    const ops = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    expect(ops).toEqual(
      expect.arrayContaining([
        "GET /v1/accounts", "POST /v1/accounts", "GET /v1/accounts/{id}", "PATCH /v1/accounts/{id}", "GET /v1/accounts/{id}/timeline",
        "GET /v1/contacts", "POST /v1/contacts", "GET /v1/contacts/{id}", "PATCH /v1/contacts/{id}",
        "GET /v1/leads", "POST /v1/leads", "GET /v1/leads/{id}", "PATCH /v1/leads/{id}",
        "POST /v1/leads/{id}/qualify", "POST /v1/leads/{id}/assign", "POST /v1/leads/{id}/convert",
        "GET /v1/opportunities", "POST /v1/opportunities", "GET /v1/opportunities/{id}", "PATCH /v1/opportunities/{id}", "POST /v1/opportunities/{id}/stage",
        "GET /v1/activities", "POST /v1/activities", "GET /v1/activities/{id}", "PATCH /v1/activities/{id}",
        "GET /v1/pipeline", "PUT /v1/pipeline", "GET /v1/lead-assignment", "PUT /v1/lead-assignment",
      ]),
    );
    expect(ops).toHaveLength(allRoutes({ sales: {} } as BackendClients).length);
  });

  test("is generated from the very schemas that validate requests", () => {
    const createLead = doc.paths["/v1/leads"]!.post!;
    expect(createLead.requestBody!.content["application/json"]!.schema.$ref).toBe("#/components/schemas/LeadCreate");
    const component = doc.components.schemas.LeadCreate!;
    expect(component.additionalProperties).toBe(false);
    expect(Object.keys(component.properties!).sort()).toEqual(Object.keys(LeadCreate.shape).sort());
    expect(component.required).toEqual(["lastName"]);
    expect(doc.components.schemas.Problem).toBeDefined();
  });

  test("documents paging, filters, conditional and idempotency headers, and errors", () => {
    const list = doc.paths["/v1/leads"]!.get!;
    const names = list.parameters.map((p) => `${p.in}:${p.name}`);
    expect(names).toEqual(expect.arrayContaining(["query:limit", "query:cursor", "query:sort", "query:status", "query:ownerId", "query:source", "query:company"]));
    expect(list.parameters.find((p) => p.name === "status")!.schema.enum).toEqual(["new", "qualified", "disqualified", "converted"]);
    const patch = doc.paths["/v1/leads/{id}"]!.patch!;
    expect(patch.parameters.find((p) => p.name === "If-Match")!.required).toBe(true);
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403", "404", "412", "428"]));
    expect(doc.paths["/v1/leads"]!.post!.parameters.map((p) => p.name)).toContain("Idempotency-Key");
  });
});

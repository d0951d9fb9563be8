import { z } from "zod";
import { PERMISSIONS } from "../auth/permissions";
import { BACKENDS, backendScopes } from "../backends";
import { apiSchemas, IDEMPOTENCY_KEY, IF_MATCH, schemaId, type RouteSpec } from "@relata/platform/http";
import { TENANT_ID_PATTERN } from "@relata/platform";
import { TENANT_HEADER } from "../middleware/auth";

type JsonSchema = Record<string, unknown>;

export interface DocumentOptions {
  publicUrl: string;
  issuer: string;
  version?: string;
}

function clean(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** A schema as a $ref when it is named in the registry, inline otherwise. */
function schemaRef(schema: z.ZodType): JsonSchema {
  const id = schemaId(schema);
  if (id) return { $ref: `#/components/schemas/${id}` };
  return clean(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema);
}

function objectShape(schema: z.ZodType | undefined): Record<string, z.ZodType> {
  if (!schema) return {};
  return (schema as unknown as { shape?: Record<string, z.ZodType> }).shape ?? {};
}

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

const HEADER_DOCS: Record<string, { description: string; schema: JsonSchema }> = {
  ETag: { description: "The record's version, for If-Match.", schema: { type: "string", example: '"3"' } },
  Location: { description: "The URL of the created record.", schema: { type: "string", format: "uri" } },
  Link: { description: 'The next page: <url>; rel="next" (absent on the last page).', schema: { type: "string" } },
  "Content-Disposition": { description: "With a streamed download: attachment and its file name.", schema: { type: "string", example: 'attachment; filename="export.csv"' } },
};

/**
 * The bodies a response can have: its JSON schema, and the other media types it declares
 * (`ResponseSpec.contentTypes`: a streamed CSV), which the caller picks with Accept.
 */
function responseContent(spec: RouteSpec["responses"][number]): Record<string, unknown> | undefined {
  const content: Record<string, unknown> = {};
  if (spec.schema) content["application/json"] = { schema: schemaRef(spec.schema) };
  for (const type of spec.contentTypes ?? []) {
    content[type] = { schema: type.startsWith("text/csv") ? { type: "string", description: "RFC 4180 CSV with a header record, streamed." } : { type: "string" } };
  }
  return Object.keys(content).length > 0 ? content : undefined;
}

/** Builds the OpenAPI 3.1 document from the route descriptions and the registered zod schemas. */
export function openApiDocument(routes: RouteSpec[], options: DocumentOptions): Record<string, unknown> {
  const components = z.toJSONSchema(apiSchemas, {
    uri: (id) => `#/components/schemas/${id}`,
    io: "input",
    unrepresentable: "any",
  }) as { schemas: Record<string, JsonSchema> };
  const schemas = Object.fromEntries(Object.entries(components.schemas).map(([id, s]) => [id, clean(s)]));

  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const parameters: unknown[] = [];
    for (const [name, s] of Object.entries(objectShape(r.params))) {
      parameters.push({ name, in: "path", required: true, schema: schemaRef(s) });
    }
    const query = r.query ? (z.toJSONSchema(r.query, { io: "input", unrepresentable: "any" }) as JsonSchema) : undefined;
    if (query?.dependentRequired) {
      // Parameters that go together: one exploded object, so the document can say so.
      parameters.push({ name: "filter", in: "query", required: false, style: "form", explode: true, schema: clean(query) });
    }
    for (const [name, s] of query?.dependentRequired ? [] : Object.entries(objectShape(r.query))) {
      const json = schemaRef(s);
      parameters.push({
        name,
        in: "query",
        required: !s.safeParse(undefined).success,
        ...(typeof json.description === "string" ? { description: json.description } : {}),
        schema: json,
      });
    }
    if (r.ifMatch) {
      parameters.push({
        name: "If-Match",
        in: "header",
        required: r.ifMatch === "required",
        description:
          r.ifMatch === "required"
            ? 'The ETag of the version read ("3"), or * to overwrite any version. Missing: 428; stale: 412.'
            : 'Optional: the ETag of the version read; stale: 412.',
        schema: { type: "string", pattern: IF_MATCH.source, example: '"3"' },
      });
    }
    if (r.idempotencyKey) {
      parameters.push({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        description: "Repeating a create with the same key and body returns the first response and creates nothing; the same key with another body is refused (409).",
        schema: { type: "string", pattern: IDEMPOTENCY_KEY.source },
      });
    }
    if (!r.tokenless) parameters.push({
      name: TENANT_HEADER,
      in: "header",
      required: false,
      description: "Platform admins only: the tenant to act on. Anyone else may only name their own tenant.",
      schema: { type: "string", pattern: TENANT_ID_PATTERN.source },
    });

    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(r.responses)) {
      const content = responseContent(spec);
      responses[status] = {
        description: spec.description,
        ...(spec.headers ? { headers: Object.fromEntries(spec.headers.map((h) => [h, { description: HEADER_DOCS[h]!.description, schema: HEADER_DOCS[h]!.schema }])) } : {}),
        ...(content ? { content } : {}),
      };
    }
    responses["400"] = problem("Invalid input; `field` names it.");
    if (!r.tokenless) {
      responses["401"] = problem("No, malformed, expired or otherwise unacceptable bearer token.");
      responses["403"] = problem("The caller's roles or scopes do not allow this operation, or another tenant was named.");
    }
    if (r.params) responses["404"] = problem("No such record in the caller's tenant.");
    if (r.method !== "get") responses["409"] = problem("The record's state does not allow this, or an Idempotency-Key was reused with another body.");
    if (r.ifMatch) responses["412"] = problem("The record changed since the version in If-Match.");
    if (r.body) {
      responses["413"] = problem("The body exceeds the size limit.");
      responses["415"] = problem("The body is not application/json.");
    }
    if (r.streamedBody) {
      responses["413"] = problem(`The body exceeds ${r.streamedBody.maxBytes} bytes.`);
      responses["415"] = problem(`The body is not ${r.streamedBody.types.join(" or ")}.`);
    }
    if (r.ifMatch === "required") responses["428"] = problem("If-Match is missing.");
    responses["429"] = {
      ...problem(r.tokenless ? "Too many requests from this client address; retry after the time given." : "Too many requests from this caller; retry after the time given."),
      headers: { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer", minimum: 0 } } },
    };
    responses["503"] = problem("A backing service is unavailable.");
    responses["504"] = problem("The request's deadline passed.");

    const rule = PERMISSIONS[r.operation];
    const who = r.tokenless
      ? `Served without a token: ${r.tokenless.why}`
      : [
          `Roles: ${rule.roles.join(", ")}.`,
          rule.scopes.length ? `Partner clients with scope: ${rule.scopes.join(" or ")}.` : "Partner clients: not allowed.",
        ].join(" ");
    (paths[path] ??= {})[r.method] = {
      operationId: r.operationId,
      tags: [r.tag],
      summary: r.summary,
      description: [r.description, who].filter(Boolean).join("\n\n"),
      "x-relata-permission": r.operation,
      parameters,
      // A body whose fields are all optional may be left out (it reads as {}).
      ...(r.body ? { requestBody: { required: !r.body.safeParse({}).success, content: { "application/json": { schema: schemaRef(r.body) } } } } : {}),
      // A streamed body: raw bytes of the given types, read as they arrive.
      ...(r.streamedBody
        ? {
            requestBody: {
              required: true,
              description: `${r.streamedBody.description} At most ${r.streamedBody.maxBytes} bytes; streamed, not buffered.`,
              content: Object.fromEntries(r.streamedBody.types.map((type) => [type, { schema: { type: "string", format: "binary", maxLength: r.streamedBody!.maxBytes } }])),
            },
          }
        : {}),
      responses,
      // An empty list overrides nothing here (no global security): it says "no credentials".
      security: r.tokenless ? [] : [{ bearer: [] }, { keycloak: [...rule.scopes] }],
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Relata API",
      version: options.version ?? "1.0.0",
      description:
        "The public REST API of Relata. Errors are RFC 9457 problem details (application/problem+json) naming the failing field; lists are cursor-paginated (limit, cursor, sort) with a Link header; single records carry an ETag to send back in If-Match.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: options.publicUrl }],
    tags: BACKENDS.flatMap((b) => b.tags.map((name) => ({ name }))),
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "An access token from the Relata Keycloak realm." },
        keycloak: {
          type: "oauth2",
          description: "Partner apps: client credentials with scopes.",
          flows: {
            clientCredentials: {
              tokenUrl: `${options.issuer}/protocol/openid-connect/token`,
              scopes: backendScopes(),
            },
          },
        },
      },
    },
  };
}

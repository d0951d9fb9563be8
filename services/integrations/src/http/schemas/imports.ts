import { DateTime, named, orNull, PAGE_CURSOR, PAGE_LIMIT } from "@relata/platform/http";
import { relation } from "@relata/platform/resource";
import { ImportMatchKey, type ImportJob } from "@relata/proto/integrations/v1/import";
import { z } from "zod";
import { bulkObject, importMatchKey, importOperation, jobState } from "../../codec/import";
import { createFields, definitionProblem, IMPORT_OBJECTS } from "../../domain/import";

/** The largest CSV an import takes. */
export const MAX_IMPORT_BYTES = 1024 ** 3;
/** The parts the gateway cuts an upload into, one AppendImportData call each (NATS takes 1 MiB a message). */
export const UPLOAD_PART_BYTES = 512 * 1024;

const ObjectName = z.enum(IMPORT_OBJECTS).meta({ description: "What the rows create or update." });
const Operation = z.enum(["insert", "upsert"]).meta({ description: "insert: every row creates a record; upsert: a row whose match key finds a record updates it." });
const MatchKey = z.enum(["email", "externalId"]).meta({ description: "Upsert only (and required there): the field that finds the record a row updates. Accounts have no email." });
const States = ["open", "queued", "in_progress", "completed", "failed", "aborted"] as const;
const State = z.enum(States);

const ColumnMapping = named(
  "ImportColumnMapping",
  z.strictObject({
    column: z.string().trim().min(1, "is required").max(200).meta({ description: "A column of the CSV's header." }),
    field: z.string().trim().min(1, "is required").max(100).meta({ description: "The API field of the object it fills (a field its create takes).", ...relation("a field the chosen object's create takes") }),
  }),
);

export const CreateImportJobInput = named(
  "CreateImportJobInput",
  z
    .strictObject({
      object: ObjectName,
      operation: Operation,
      matchKey: MatchKey.optional().meta(relation("required for an upsert, refused for an insert; email not for accounts")),
      mapping: z
        .array(ColumnMapping)
        .max(100)
        .optional()
        .meta({ description: "CSV column → field. Absent: each header names a field of the object; columns not mapped are ignored." }),
    })
    .superRefine((body, ctx) => {
      const problem = definitionProblem({
        object: body.object,
        operation: body.operation,
        matchKey: body.matchKey === "externalId" ? "external_id" : (body.matchKey ?? ""),
        mapping: body.mapping ?? [],
      });
      if (problem) ctx.addIssue({ code: "custom", path: problem.field.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)), message: problem.reason.replace(/^[^:]+: /, "") });
    }),
  `An import job. Mapped fields: for accounts ${createFields("accounts").join(", ")}; contacts ${createFields("contacts").join(", ")}; leads ${createFields("leads").join(", ")}.`,
);
export type CreateImportJobBody = z.output<typeof CreateImportJobInput>;

export const ImportJobJson = named(
  "ImportJob",
  z.object({
    id: z.string(),
    tenantId: z.string(),
    object: ObjectName,
    operation: Operation,
    matchKey: MatchKey.nullable(),
    mapping: z.array(z.object({ column: z.string(), field: z.string() })),
    state: State.meta({ description: "open (waiting for its upload), queued, in_progress, completed, failed, aborted." }),
    bytesUploaded: z.number().int(),
    rowsProcessed: z.number().int().meta({ description: "Rows read so far (the header is not a row)." }),
    rowsSucceeded: z.number().int(),
    rowsFailed: z.number().int().meta({ description: "Rows refused: GET /v1/imports/{id}/results lists them." }),
    rowsCreated: z.number().int(),
    rowsUpdated: z.number().int(),
    error: z.string().nullable().meta({ description: "Why the job failed as a whole (state failed)." }),
    createdBy: z.string(),
    version: z.number().int(),
    createdAt: DateTime,
    updatedAt: DateTime,
    startedAt: DateTime.nullable(),
    completedAt: DateTime.nullable(),
  }),
);

export const ListImportJobsQuery = z.strictObject({ limit: PAGE_LIMIT.optional(), cursor: PAGE_CURSOR.optional(), state: State.optional() });

export function createImportJobRequest(body: CreateImportJobBody, idempotencyKey: string) {
  return {
    object: bulkObject.toProto(body.object),
    operation: importOperation.toProto(body.operation),
    matchKey: body.matchKey === undefined ? ImportMatchKey.IMPORT_MATCH_KEY_UNSPECIFIED : importMatchKey.toProto(body.matchKey === "externalId" ? "external_id" : "email"),
    mapping: body.mapping ?? [],
    idempotencyKey,
  };
}

export const jobStateProto = (state: (typeof States)[number]) => jobState.toProto(state);

export function importJobJson(job: ImportJob) {
  const matchKey = importMatchKey.fromProto(job.matchKey);
  return {
    id: job.id,
    tenantId: job.tenantId,
    object: bulkObject.fromProto(job.object),
    operation: importOperation.fromProto(job.operation),
    matchKey: matchKey === "external_id" ? "externalId" : matchKey,
    mapping: job.mapping.map((m) => ({ column: m.column, field: m.field })),
    state: jobState.fromProto(job.state),
    bytesUploaded: Number(job.bytesUploaded),
    rowsProcessed: Number(job.rowsProcessed),
    rowsSucceeded: Number(job.rowsSucceeded),
    rowsFailed: Number(job.rowsFailed),
    rowsCreated: Number(job.rowsCreated),
    rowsUpdated: Number(job.rowsUpdated),
    error: orNull(job.error),
    createdBy: job.createdBy,
    version: Number(job.version),
    createdAt: job.createdAt ?? null,
    updatedAt: job.updatedAt ?? null,
    startedAt: job.startedAt ?? null,
    completedAt: job.completedAt ?? null,
  };
}

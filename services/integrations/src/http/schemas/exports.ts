import { DateTime, named, pageOf, orNull, PAGE_CURSOR } from "@relata/platform/http";
import { relation } from "@relata/platform/resource";
import type { ExportJob } from "@relata/proto/integrations/v1/export";
import { z } from "zod";
import { bulkObject, jobState } from "../../codec/export";
import { EXPORT_OBJECTS, EXPORT_RETENTION_DAYS, filterNames, JOB_STATES, checkFilters, type ExportObject } from "../../domain/export";

/** The REST shapes of export jobs. */

const filterList = (object: ExportObject) => `${object}: ${filterNames(object).join(", ")}`;

export const ExportCreateJson = named(
  "ExportJobCreate",
  z
    .strictObject({
      object: z.enum(EXPORT_OBJECTS).meta({ description: "The records to export." }),
      filters: z
        .record(
          z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, "must be a parameter name"),
          z
            .union([z.string().max(1024), z.number(), z.boolean()])
            .transform(String)
            .meta(relation("a filter of the chosen object, with its list parameter's rules")),
        )
        .default({})
        .meta({
          description: `The list endpoint's query parameters of the object, by their API names, with the same rules (${EXPORT_OBJECTS.map(filterList).join("; ")}). Paging (limit, cursor, sort) is not a filter: every matching record is exported.`,
          example: { ownerId: "user-1" },
          ...relation("the filters of the chosen object only, each with its list parameter's rules"),
        }),
    })
    .superRefine((body, ctx) => {
      const checked = checkFilters(body.object, body.filters);
      if ("problem" in checked) ctx.addIssue({ code: "custom", path: ["filters", checked.problem.name], message: checked.problem.message });
    }),
  "An export job to create: which records, selected by the list's filters.",
);

export const ExportJobJson = named(
  "ExportJob",
  z.object({
    id: z.string(),
    tenantId: z.string(),
    object: z.enum(EXPORT_OBJECTS),
    filters: z.record(z.string(), z.string()),
    state: z.enum(JOB_STATES).meta({ description: "queued → in_progress → completed or failed." }),
    rowsExported: z.number().int().meta({ description: "Records written so far (updated every few thousand rows; all of them once completed)." }),
    bytesWritten: z.number().int().meta({ description: "Bytes of CSV written so far." }),
    error: z.string().nullable().meta({ description: "Why the job failed." }),
    createdBy: z.string(),
    version: z.number().int(),
    createdAt: DateTime.nullable(),
    updatedAt: DateTime.nullable(),
    startedAt: DateTime.nullable(),
    completedAt: DateTime.nullable(),
  }),
  `A bulk export job. Its file is kept ${EXPORT_RETENTION_DAYS} days after it is written.`,
);

export const ExportJobPage = pageOf("ExportJobPage", ExportJobJson);

export const ExportListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: PAGE_CURSOR.optional(),
  state: z.enum(JOB_STATES).optional().meta({ description: "Only the jobs in this state." }),
});

export function exportJobJson(job: ExportJob): z.output<typeof ExportJobJson> {
  return {
    id: job.id,
    tenantId: job.tenantId,
    object: bulkObject.fromProto(job.object) as ExportObject,
    filters: job.filters,
    state: jobState.fromProto(job.state) as (typeof JOB_STATES)[number],
    rowsExported: Number(job.rowsExported),
    bytesWritten: Number(job.bytesWritten),
    error: orNull(job.error),
    createdBy: job.createdBy,
    version: Number(job.version),
    createdAt: orNull(job.createdAt),
    updatedAt: orNull(job.updatedAt),
    startedAt: orNull(job.startedAt),
    completedAt: orNull(job.completedAt),
  };
}

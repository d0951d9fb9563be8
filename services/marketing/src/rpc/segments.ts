import { id, implement, RecycleBinInput, recycleBinHandlers, validate, type NewFields, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { SegmentServiceService, type AudienceMember, type SegmentCondition, type SegmentPreview } from "@relata/proto/marketing/v1/segment";
import { z } from "zod";
import type { AudienceMemberRow, SegmentPreviewResult, SegmentRules } from "../audience";
import { toSegment } from "../codec/mappers";
import { MAX_CONDITIONS, SegmentConditionRow, type SegmentMatchWord } from "../domain/segment-catalogue";
import type { SegmentRecord } from "../domain/types";
import { segmentEvent } from "../events/builders";
import { segment, segmentMatch } from "../resources";
import type { MarketingDeps } from "./context";

const described = serviceSchemas(segment);

/** The sample a preview shows when the request names no size, and the most it shows. */
export const DEFAULT_SAMPLE_SIZE = 10;
export const MAX_SAMPLE_SIZE = 50;

const SampleSize = z
  .number()
  .int("must be a whole number")
  .min(0, `must be from 0 to ${MAX_SAMPLE_SIZE}`)
  .max(MAX_SAMPLE_SIZE, `must be from 0 to ${MAX_SAMPLE_SIZE}`)
  .transform((n) => n || DEFAULT_SAMPLE_SIZE);

/** A preview's rules, as the service checks them (the same condition schema as a saved segment's). */
const PreviewInput = z.object({
  match: z.string().transform((value) => (segmentMatch.fromProto(value) ?? "all") as SegmentMatchWord),
  conditions: z.array(SegmentConditionRow, { error: "must be a list" }).max(MAX_CONDITIONS, `must have at most ${MAX_CONDITIONS} rows`),
  sampleSize: SampleSize,
});

const PreviewSavedInput = z.object({ id: id(), sampleSize: SampleSize });

/** The request schemas, by RPC (exported for tests). */
export const segmentSchemas = {
  createSegment: described.create,
  getSegment: described.get,
  listSegments: described.list,
  updateSegment: described.update,
  deleteSegment: RecycleBinInput,
  restoreSegment: RecycleBinInput,
  previewSegment: PreviewInput,
  previewSavedSegment: PreviewSavedInput,
};

/** What segments need of the audience: a count and a sample of whom rules select. */
export interface SegmentPreviewer {
  preview(tenantId: string, rules: SegmentRules, sampleSize: number): Promise<SegmentPreviewResult>;
}

function toAudienceMember(m: AudienceMemberRow): AudienceMember {
  return { ...m, createdAt: m.createdAt?.toISOString(), updatedAt: m.updatedAt?.toISOString() };
}

function toPreview(result: SegmentPreviewResult): SegmentPreview {
  return { count: String(result.count), sample: result.sample.map(toAudienceMember), audienceCaughtUp: result.caughtUp };
}

export function segmentService({ repos, logger }: MarketingDeps, audience: SegmentPreviewer): ServiceRegistration {
  const crud = resourceHandlers(segment, repos.segments, segmentEvent, {
    create(input, _records, ctx) {
      return { ...input, match: input.match ?? "all", ownerId: input.ownerId || ctx.identity.subject } as unknown as NewFields<SegmentRecord>;
    },
  });
  const bin = recycleBinHandlers(repos.segments, toSegment, segmentEvent);
  return implement(
    SegmentServiceService,
    {
      createSegment: (request, ctx) => crud.create(request, ctx),
      getSegment: (request, ctx) => crud.get(request, ctx),
      listSegments: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { segments: rows, page: { nextCursor } };
      },
      updateSegment: (request, ctx) => crud.update(request, ctx),
      deleteSegment: bin.delete,
      restoreSegment: bin.restore,
      previewSegment: async (request, ctx) => {
        const conditions: SegmentCondition[] = request.conditions?.values ?? [];
        const input = validate(PreviewInput, { match: request.match, conditions, sampleSize: request.sampleSize });
        return toPreview(await audience.preview(ctx.identity.tenantId, input, input.sampleSize));
      },
      previewSavedSegment: async (request, ctx) => {
        const { id, sampleSize } = validate(PreviewSavedInput, request);
        const saved = await repos.segments.in(ctx).get(id);
        const rules = { match: saved.match ?? "all", conditions: saved.conditions ?? [] };
        return toPreview(await audience.preview(ctx.identity.tenantId, rules, sampleSize));
      },
    },
    logger,
  );
}

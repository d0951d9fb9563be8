import { CreateSegmentRequest, ListSegmentsRequest, SegmentMatch, UpdateSegmentRequest } from "@relata/proto/marketing/v1/segment";
import { crudRoutes, IdParams, route, type RouteSpec } from "@relata/platform/http";
import type { MarketingClients } from "../../client";
import { segment, segmentMatch } from "../../resources";
import { SavedSegmentPreviewRequest, segmentPreviewJson, SegmentPreviewJson, SegmentPreviewRequest } from "../schemas/segments";

export function segmentRoutes(marketing: MarketingClients): RouteSpec[] {
  const crud = crudRoutes(
    segment,
    {
      list: async (request, call) => {
        const res = await marketing.segments.listSegments(ListSegmentsRequest.fromPartial(request), call);
        return { records: res.segments, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => marketing.segments.createSegment(CreateSegmentRequest.fromPartial(request), call),
      get: (request, call) => marketing.segments.getSegment(request, call),
      update: (request, call) => marketing.segments.updateSegment(UpdateSegmentRequest.fromPartial(request), call),
      delete: (request, call) => marketing.segments.deleteSegment(request, call),
      restore: (request, call) => marketing.segments.restoreSegment(request, call),
    },
    { tag: "Segments" },
  );
  const previewed = { 200: { description: "How many people meet the rules now, with a sample of them.", schema: SegmentPreviewJson } };
  return [
    route({
      operationId: "previewSegment",
      method: "post",
      path: "/v1/segments/preview",
      operation: "segments.read",
      tag: "Segments",
      summary: "Count the people of the audience that rules select, with a sample (nothing is saved)",
      body: SegmentPreviewRequest,
      responses: previewed,
      handler: async (ctx) => {
        const preview = await marketing.segments.previewSegment(
          {
            match: ctx.body.match ? segmentMatch.toProto(ctx.body.match) : SegmentMatch.SEGMENT_MATCH_ALL,
            conditions: { values: ctx.body.conditions },
            sampleSize: ctx.body.sampleSize ?? 0,
          },
          ctx.call,
        );
        return { body: segmentPreviewJson(preview) };
      },
    }),
    ...crud,
    route({
      operationId: "previewSavedSegment",
      method: "post",
      path: "/v1/segments/:id/preview",
      operation: "segments.read",
      tag: "Segments",
      summary: "Count a saved segment's members now, with a sample",
      params: IdParams,
      body: SavedSegmentPreviewRequest,
      responses: previewed,
      handler: async (ctx) => {
        const preview = await marketing.segments.previewSavedSegment({ id: ctx.params.id, sampleSize: ctx.body.sampleSize ?? 0 }, ctx.call);
        return { body: segmentPreviewJson(preview) };
      },
    }),
  ];
}

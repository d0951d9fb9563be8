import { id, implement, validate, type ServiceRegistration } from "@relata/platform";
import { TimelineServiceService } from "@relata/proto/sales/v1/timeline";
import { z } from "zod";
import { toTimelineEntry } from "../codec/mappers";
import type { SalesDeps } from "./context";

const ListAccountTimelineInput = z.object({ accountId: id() });

/** The request schemas, by RPC (exported for tests). */
export const timelineSchemas = { listAccountTimeline: ListAccountTimelineInput };

export function timelineService({ repos, logger }: SalesDeps): ServiceRegistration {
  return implement(
    TimelineServiceService,
    {
      async listAccountTimeline(request, ctx) {
        const input = validate(ListAccountTimelineInput, request);
        // Another tenant's account is as absent as a missing one.
        await repos.accounts.in(ctx).get(input.accountId);
        const { rows, nextCursor } = await repos.timeline.in(ctx).list({ accountId: input.accountId }, request.page);
        return { entries: rows.map(toTimelineEntry), page: { nextCursor } };
      },
    },
    logger,
  );
}

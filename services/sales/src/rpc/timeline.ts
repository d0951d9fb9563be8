import { implement, type ServiceRegistration } from "@relata/platform";
import { TimelineServiceService } from "@relata/proto/sales/v1/timeline";
import { z } from "zod";
import { toTimelineEntry } from "../store/mappers";
import { getInTenant, listPage } from "../store/queries";
import type { SalesDeps } from "./context";
import { id, validate } from "./validation";

const ListAccountTimelineInput = z.object({ accountId: id() });

/** The request schemas, by RPC (exported for tests). */
export const timelineSchemas = { listAccountTimeline: ListAccountTimelineInput };

export function timelineService(deps: SalesDeps): ServiceRegistration {
  const { models } = deps;
  return implement(
    TimelineServiceService,
    {
      async listAccountTimeline(request, ctx) {
        const input = validate(ListAccountTimelineInput, request);
        const tenantId = ctx.identity.tenantId;
        // Another tenant's account is as absent as a missing one.
        await getInTenant(models.accounts, tenantId, input.accountId, "account");
        const { rows, nextCursor } = await listPage(
          models.timeline,
          tenantId,
          { accountId: input.accountId },
          request.page,
          ["occurredAt"],
          "-occurredAt",
        );
        return { entries: rows.map(toTimelineEntry), page: { nextCursor } };
      },
    },
    deps.logger,
  );
}

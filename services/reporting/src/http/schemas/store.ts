import { named } from "@relata/platform/http";
import type { StoreStatus } from "@relata/proto/reporting/v1/store";
import { z } from "zod";

export const StoreStatusJson = named(
  "AnalyticsStoreStatus",
  z.object({
    caughtUp: z.boolean(),
    rebuilding: z.boolean(),
    positions: z.array(z.object({ stream: z.string(), sequence: z.number().int() })),
    events: z.array(z.object({ subject: z.string(), events: z.number().int() })),
    lastRebuild: z.object({ startedAt: z.string(), finishedAt: z.string(), events: z.number().int() }).nullable(),
    rebuildStartedAt: z.string().nullable(),
  }),
  "The answering replica's store: stream positions, the tenant's events applied by subject, rebuilds.",
);

export function storeStatusJson(s: StoreStatus): z.output<typeof StoreStatusJson> {
  return {
    caughtUp: s.caughtUp,
    rebuilding: s.rebuilding,
    positions: s.positions.map((p) => ({ stream: p.stream, sequence: Number(p.sequence) })),
    events: s.events.map((e) => ({ subject: e.subject, events: Number(e.events) })),
    lastRebuild: s.lastRebuild ? { startedAt: s.lastRebuild.startedAt ?? "", finishedAt: s.lastRebuild.finishedAt ?? "", events: Number(s.lastRebuild.events) } : null,
    rebuildStartedAt: s.rebuildStartedAt ?? null,
  };
}

import { implement, type ServiceRegistration } from "@relata/platform";
import type { RebuildReport } from "@relata/platform/projection";
import { StoreServiceService, type Rebuild, type StoreStatus } from "@relata/proto/reporting/v1/store";
import type { ReportingDeps } from "./context";

const toRebuild = (r: RebuildReport | undefined): Rebuild | undefined =>
  r && { startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt.toISOString(), events: String(r.events) };

/** The store's state for a tenant: how far it has read each stream, and what it applied of the tenant's events. */
async function storeStatus({ store }: ReportingDeps, tenantId: string): Promise<StoreStatus> {
  const [status, counts] = await Promise.all([
    store.status(),
    store.query("SELECT subject, events FROM applied_events WHERE tenant_id = ? ORDER BY subject", [tenantId]),
  ]);
  return {
    caughtUp: status.caughtUp,
    rebuilding: status.rebuilding,
    positions: Object.entries(status.positions)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stream, sequence]) => ({ stream, sequence: String(sequence) })),
    events: counts.map((r) => ({ subject: String(r.subject), events: String(r.events) })),
    lastRebuild: toRebuild(status.lastRebuild),
    rebuildStartedAt: status.rebuilding ? status.startedAt?.toISOString() : undefined,
  };
}

export function storeService(deps: ReportingDeps): ServiceRegistration {
  const { store, logger } = deps;
  return implement(
    StoreServiceService,
    {
      getStoreStatus: (_request, ctx) => storeStatus(deps, ctx.identity.tenantId),
      // Answers at once: a replay of years of events outlasts any call. A second request while
      // one runs joins it (the projection runs one rebuild at a time).
      async rebuildStore(_request, ctx) {
        store.rebuild().then(
          (report) => logger.info({ events: report.events, positions: report.positions }, "store rebuilt by replay and switched to"),
          (err: unknown) => logger.error({ err: String(err) }, "store rebuild failed; the store in use stays"),
        );
        return storeStatus(deps, ctx.identity.tenantId);
      },
    },
    logger,
  );
}

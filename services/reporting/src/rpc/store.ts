import { implement, type ServiceRegistration } from "@relata/platform";
import { StoreServiceService, type StoreStatus } from "@relata/proto/reporting/v1/store";
import type { ReportingDeps } from "./context";

/** The store's state for a tenant: where it has read each stream to, and what it applied of the tenant's events. */
async function storeStatus({ store }: ReportingDeps, tenantId: string): Promise<StoreStatus> {
  const [positions, counts] = await Promise.all([
    store.positions(),
    store.query("SELECT subject, events FROM applied_events WHERE tenant_id = ? ORDER BY subject", [tenantId]),
  ]);
  return {
    caughtUp: false,
    rebuilding: false,
    positions: Object.entries(positions).map(([stream, sequence]) => ({ stream, sequence: String(sequence) })),
    events: counts.map((r) => ({ subject: String(r.subject), events: String(r.events) })),
  };
}

export function storeService(deps: ReportingDeps): ServiceRegistration {
  return implement(
    StoreServiceService,
    {
      getStoreStatus: (_request, ctx) => storeStatus(deps, ctx.identity.tenantId),
      // Replaced by the projection's rebuild (kit) once it lands.
      rebuildStore: (_request, ctx) => storeStatus(deps, ctx.identity.tenantId),
    },
    deps.logger,
  );
}

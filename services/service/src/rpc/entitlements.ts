import { implement, RecycleBinInput, recycleBinHandlers, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { EntitlementServiceService, type Entitlement } from "@relata/proto/service/v1/entitlement";
import { toEntitlement } from "../codec/mappers";
import { assertEntitlementTerms, unitsLeft } from "../domain/entitlement";
import { entitlementEvent } from "../events/builders";
import { caseChannel, entitlement } from "../resources";
import { EntitlementUnits } from "../store/entitlement-units";
import type { ServiceDeps } from "./context";

const described = serviceSchemas(entitlement);

/** The request schemas, by RPC (exported for tests). */
export const entitlementSchemas = {
  createEntitlement: described.create,
  getEntitlement: described.get,
  listEntitlements: described.list,
  updateEntitlement: described.update,
  deleteEntitlement: RecycleBinInput,
  restoreEntitlement: RecycleBinInput,
};

export function entitlementService({ repos, models, logger }: ServiceDeps): ServiceRegistration {
  const units = new EntitlementUnits(models.entitlementUnitClaims);
  const crud = resourceHandlers(entitlement, repos.entitlements, entitlementEvent, {
    create(input, _records, _ctx, fresh) {
      const terms = {
        ...input,
        startDate: input.startDate || fresh.now.toISOString().slice(0, 10),
        // None given: it covers every channel.
        channels: input.channels.length ? input.channels : [...caseChannel.words],
        unit: input.unit ?? "cases",
      };
      assertEntitlementTerms(terms);
      return { ...terms, unitsUsed: 0, unitsLeft: terms.allowance };
    },
    update(set, current) {
      const next = { ...current, ...Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined && v !== null)) };
      assertEntitlementTerms(next);
    },
  });
  const bin = recycleBinHandlers(repos.entitlements, toEntitlement, entitlementEvent);
  /** The message with the units its cases have used, counted from the claims now. */
  const withUnits = async (m: Entitlement): Promise<Entitlement> => {
    const used = await units.used(m.tenantId, m.id);
    return { ...m, unitsUsed: used, unitsLeft: unitsLeft(m, used) };
  };
  return implement(
    EntitlementServiceService,
    {
      // The request's active has presence (proto3 optional): absent is true, which the generic create would read as false.
      createEntitlement: async (request, ctx) => withUnits(await crud.create({ ...request, active: request.active ?? true }, ctx)),
      getEntitlement: async (request, ctx) => withUnits(await crud.get(request, ctx)),
      listEntitlements: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { entitlements: await Promise.all(rows.map(withUnits)), page: { nextCursor } };
      },
      updateEntitlement: async (request, ctx) => withUnits(await crud.update(request, ctx)),
      deleteEntitlement: async (request, ctx) => withUnits(await bin.delete(request, ctx)),
      restoreEntitlement: async (request, ctx) => withUnits(await bin.restore(request, ctx)),
    },
    logger,
  );
}

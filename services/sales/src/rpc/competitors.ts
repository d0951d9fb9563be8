import { implement, RecycleBinInput, recycleBinHandlers, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
import { CompetitorServiceService } from "@relata/proto/sales/v1/competitor";
import { toCompetitor } from "../codec/competitor";
import { competitorEvent } from "../events/builders";
import { competitor } from "../resources";
import { competitorDependents } from "../store/repositories";
import type { SalesDeps } from "./context";

const described = serviceSchemas(competitor);

/** The request schemas, by RPC (exported for tests). */
export const competitorSchemas = {
  createCompetitor: described.create,
  getCompetitor: described.get,
  listCompetitors: described.list,
  updateCompetitor: described.update,
  deleteCompetitor: RecycleBinInput,
  restoreCompetitor: RecycleBinInput,
};

export function competitorService({ repos, logger }: SalesDeps): ServiceRegistration {
  const crud = resourceHandlers(competitor, repos.competitors, competitorEvent, {});
  // Opportunities that met the competitor or were lost to it keep it: the delete is refused while any is live.
  const bin = recycleBinHandlers(repos.competitors, toCompetitor, competitorEvent, { delete: { dependents: competitorDependents(repos) } });
  return implement(
    CompetitorServiceService,
    {
      createCompetitor: crud.create,
      getCompetitor: crud.get,
      listCompetitors: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { competitors: rows, page: { nextCursor } };
      },
      updateCompetitor: crud.update,
      deleteCompetitor: bin.delete,
      restoreCompetitor: bin.restore,
    },
    logger,
  );
}

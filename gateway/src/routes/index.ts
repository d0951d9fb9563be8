import type { SalesClients } from "../clients/sales";
import { accountRoutes } from "./accounts";
import { activityRoutes } from "./activities";
import { contactRoutes } from "./contacts";
import type { RouteSpec } from "./define";
import { leadAssignmentRoutes } from "./lead-assignment";
import { leadRoutes } from "./leads";
import { opportunityRoutes } from "./opportunities";
import { pipelineRoutes } from "./pipeline";

/** Every REST operation of /v1. A new service adds its route files here. */
export function allRoutes(sales: SalesClients): RouteSpec[] {
  return [
    ...accountRoutes(sales),
    ...contactRoutes(sales),
    ...leadRoutes(sales),
    ...leadAssignmentRoutes(sales),
    ...opportunityRoutes(sales),
    ...pipelineRoutes(sales),
    ...activityRoutes(sales),
  ];
}

import type { PromiseClients } from "@relata/platform";
import { CustomerValueServiceService } from "@relata/proto/reporting/v1/customer_value";
import { OperationsAnalyticsServiceService, SalesAnalyticsServiceService } from "@relata/proto/reporting/v1/dashboards";
import { QueryServiceService } from "@relata/proto/reporting/v1/query";
import { QuotaServiceService } from "@relata/proto/reporting/v1/quota";
import { StoreServiceService } from "@relata/proto/reporting/v1/store";

/**
 * Reporting's gRPC services by a short name: every caller (the gateway, the tests) builds its
 * clients from this map. This module imports no runtime of the service.
 */
export const reportingServices = {
  quotas: QuotaServiceService,
  sales: SalesAnalyticsServiceService,
  operations: OperationsAnalyticsServiceService,
  customerValue: CustomerValueServiceService,
  query: QueryServiceService,
  store: StoreServiceService,
};

/** Promise clients of every Reporting gRPC service. */
export type ReportingClients = PromiseClients<typeof reportingServices>;

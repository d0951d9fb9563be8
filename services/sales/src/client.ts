import type { PromiseClients } from "@relata/platform";
import { AccountServiceService } from "@relata/proto/sales/v1/account";
import { BulkServiceService } from "@relata/proto/sales/v1/bulk";
import { ActivityServiceService } from "@relata/proto/sales/v1/activity";
import { ContactServiceService } from "@relata/proto/sales/v1/contact";
import { LeadServiceService } from "@relata/proto/sales/v1/lead";
import { OpportunityServiceService } from "@relata/proto/sales/v1/opportunity";
import { PipelineServiceService } from "@relata/proto/sales/v1/pipeline";
import { TimelineServiceService } from "@relata/proto/sales/v1/timeline";
import { CompetitorServiceService } from "@relata/proto/sales/v1/competitor";
import { ProposalServiceService } from "@relata/proto/sales/v1/proposal";
import { OrderServiceService } from "@relata/proto/sales/v1/order";
import { PriceListServiceService } from "@relata/proto/sales/v1/price_list";
import { ProductServiceService } from "@relata/proto/sales/v1/product";
import { QuoteServiceService } from "@relata/proto/sales/v1/quote";
import { TerritoryServiceService } from "@relata/proto/sales/v1/territory";
import { ForecastServiceService } from "@relata/proto/sales/v1/forecast";

/**
 * The Sales gRPC services by a short name: every caller (the gateway, the tests) builds its
 * clients from this map, e.g. `promiseClients(salesServices, channel, options)`. This module
 * imports no runtime of the service, so callers import it through `@relata/sales/client`.
 */
export const salesServices = {
  accounts: AccountServiceService,
  contacts: ContactServiceService,
  leads: LeadServiceService,
  opportunities: OpportunityServiceService,
  pipeline: PipelineServiceService,
  activities: ActivityServiceService,
  timeline: TimelineServiceService,
  /** Bulk writes and exports, for Integrations' import and export jobs. */
  bulk: BulkServiceService,
  competitors: CompetitorServiceService,
  /** The tenant's proposal profile and the quotes' proposal documents. */
  proposals: ProposalServiceService,
  products: ProductServiceService,
  priceLists: PriceListServiceService,
  quotes: QuoteServiceService,
  orders: OrderServiceService,
  territories: TerritoryServiceService,
  forecast: ForecastServiceService,
};

/** Promise clients of every Sales service. */
export type SalesClients = PromiseClients<typeof salesServices>;

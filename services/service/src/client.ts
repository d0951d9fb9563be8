import type { PromiseClients } from "@relata/platform";
import { CaseServiceService } from "@relata/proto/service/v1/case";
import { BusinessCalendarServiceService } from "@relata/proto/service/v1/calendar";
import { SlaPolicyServiceService } from "@relata/proto/service/v1/sla";

/**
 * The Service's gRPC services by a short name: every caller (the gateway, the tests) builds its
 * clients from this map. This module imports no runtime of the service, so callers import it
 * through `@relata/service/client`.
 */
export const serviceServices = {
  cases: CaseServiceService,
  businessCalendars: BusinessCalendarServiceService,
  slaPolicies: SlaPolicyServiceService,
};

/** Promise clients of every Service gRPC service. */
export type ServiceClients = PromiseClients<typeof serviceServices>;

import type { PromiseClients } from "@relata/platform";
import { ExportServiceService } from "@relata/proto/integrations/v1/export";
import { ImportServiceService } from "@relata/proto/integrations/v1/import";
import { WebhookServiceService } from "@relata/proto/integrations/v1/webhook";

/**
 * Integrations' gRPC services by a short name: every caller (the gateway, the tests) builds its
 * clients from this map. This module imports no runtime of the service.
 */
export const integrationsServices = {
  webhooks: WebhookServiceService,
  imports: ImportServiceService,
  exports: ExportServiceService,
};

/** Promise clients of every Integrations gRPC service. */
export type IntegrationsClients = PromiseClients<typeof integrationsServices>;

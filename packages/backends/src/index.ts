import { knowledgeBackend } from "@relata/knowledge/gateway";
import { marketingBackend } from "@relata/marketing/gateway";
import { reportingBackend } from "@relata/reporting/gateway";
import { salesBackend } from "@relata/sales/gateway";
import { serviceBackend } from "@relata/service/gateway";

/**
 * The domain services, each by its entry (`@relata/<service>/gateway`: a BackendSpec of
 * `@relata/platform/http` with its REST face, resources, scopes, permission rows and public
 * events). The one list a new service joins: the gateway hosts these and Integrations, and
 * Integrations' webhook catalogue gathers their public events. Integrations is not listed here
 * because it reads this list; the gateway adds it.
 */
export const DOMAIN_BACKENDS = [salesBackend, serviceBackend, knowledgeBackend, marketingBackend, reportingBackend] as const;

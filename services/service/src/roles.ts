import type { Role } from "@relata/platform";

/** Who may do what in the Service, by role (the resource descriptions and the custom verbs' rows use these). */

/** Who works cases every day. */
export const SUPPORT_STAFF: readonly Role[] = ["support-agent", "support-manager"];
/** Who reads the Service's records: support, the tenant's admins, and Sales and analysts (an account's cases). */
export const SERVICE_READERS: readonly Role[] = ["platform-admin", "tenant-admin", ...SUPPORT_STAFF, "sales-rep", "sales-manager", "analyst"];
/** Who opens and works cases, and books appointments. */
export const SERVICE_WRITERS: readonly Role[] = ["tenant-admin", ...SUPPORT_STAFF];
/** Who configures the Service for the tenant (queues, policies, calendars, rules, entitlements, resources). */
export const SERVICE_CONFIGURERS: readonly Role[] = ["tenant-admin", "support-manager"];
/** Who reads that configuration: the support staff and the tenant's admins. */
export const CONFIGURATION_READERS: readonly Role[] = ["platform-admin", "tenant-admin", ...SUPPORT_STAFF];

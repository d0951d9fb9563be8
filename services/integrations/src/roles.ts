import type { Role } from "@relata/platform";

/** Who manages the tenant's webhooks (partner clients need the scope webhooks:manage). */
export const WEBHOOK_MANAGERS: readonly Role[] = ["tenant-admin"];
/**
 * Who runs import and export jobs: they write or read every account, contact and lead of the
 * tenant in one go (partner clients need bulk:import, bulk:export).
 */
export const BULK_IMPORTERS: readonly Role[] = ["tenant-admin", "sales-manager"];
export const BULK_EXPORTERS: readonly Role[] = ["tenant-admin", "sales-manager"];

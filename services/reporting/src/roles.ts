import type { Role } from "@relata/platform";

/** Who reads every dashboard, the customer value and ad-hoc queries of the tenant. */
export const ANALYSTS: readonly Role[] = ["tenant-admin", "analyst"];
/** Sales dashboards, forecast and quotas: the analysts and the sales managers. */
export const SALES_READERS: readonly Role[] = [...ANALYSTS, "sales-manager"];
/** Who sets quotas. */
export const QUOTA_WRITERS: readonly Role[] = ["tenant-admin", "sales-manager"];
/** Campaign performance and ROI: the analysts and the marketers. */
export const MARKETING_READERS: readonly Role[] = [...ANALYSTS, "marketer"];
/** Service volume, response and resolution times, SLA, CSAT: the analysts and the support managers. */
export const SERVICE_READERS: readonly Role[] = [...ANALYSTS, "support-manager"];
/** Knowledge-Base usage: the analysts, the support managers and the knowledge editors. */
export const KNOWLEDGE_READERS: readonly Role[] = [...ANALYSTS, "support-manager", "kb-editor"];
/** Customer value (revenue per account, RFM, Pareto, churn risk): the analysts, sales managers and marketers. */
export const CUSTOMER_VALUE_READERS: readonly Role[] = [...ANALYSTS, "sales-manager", "marketer"];
/** The store's state (positions, events applied): the analysts and the platform admins; a rebuild: platform admins only (it is installation-wide). */
export const STORE_READERS: readonly Role[] = [...ANALYSTS, "platform-admin"];
export const STORE_ADMINS: readonly Role[] = ["platform-admin"];

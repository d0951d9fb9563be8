import type { StreamSpec } from "@relata/platform";
import { eventSubjects } from "@relata/platform/resource";
import { quota } from "../resources";

/** The stream Reporting publishes on: its quotas' changes and what it computed (customer value). */
export const REPORTING_STREAM: StreamSpec = { name: "REPORTING", subjects: ["reporting.>"] };

/** `reporting.quota.created|updated|deleted|restored`, from the quota's description. */
export const RESOURCE_SUBJECTS = { quota: eventSubjects(quota) };

export const SUBJECTS = {
  /** An account's value class or churn risk changed (CustomerValueChanged). */
  customerValueChanged: "reporting.customer.value_changed",
} as const;

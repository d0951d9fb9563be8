import type { StreamSpec } from "@relata/platform";

/** What Integrations publishes for others (webhooks' changes, jobs completed): partners can subscribe to it. */
export const INTEGRATIONS_STREAM: StreamSpec = { name: "INTEGRATIONS", subjects: ["integrations.>"] };

/**
 * Integrations' own work queues, no one else's business: webhook deliveries and their retries
 * (message schedules), import and export jobs waiting for a worker.
 */
export const WORK_STREAM: StreamSpec = { name: "INTEGRATIONS_WORK", subjects: ["integrations-work.>"], allowMsgSchedules: true };

export const SUBJECTS = {
  importCompleted: "integrations.import.completed",
  importFailed: "integrations.import.failed",
  importAborted: "integrations.import.aborted",
  exportCompleted: "integrations.export.completed",
  exportFailed: "integrations.export.failed",
  webhookDisabled: "integrations.webhook.disabled",
} as const;

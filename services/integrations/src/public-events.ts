import { lifecycleTypes, publicEvents, type PublicEvent } from "@relata/platform/http";
import * as events from "@relata/proto/events/v1/integrations";
import { INTEGRATIONS_STREAM } from "./events/stream";
import { webhook } from "./resources";

/** The events partners' webhooks may subscribe to (docs/events.md); the jobs' work queue is internal. */
const stream = INTEGRATIONS_STREAM.name;
export const INTEGRATIONS_PUBLIC_EVENTS: readonly PublicEvent[] = [
  ...publicEvents(stream, events, "ImportJobChanged", ["integrations.import.completed", "integrations.import.failed", "integrations.import.aborted"]),
  ...publicEvents(stream, events, "ExportJobChanged", ["integrations.export.completed", "integrations.export.failed"]),
  ...publicEvents(stream, events, "WebhookChanged", lifecycleTypes("integrations.webhook", "disabled"), { resource: webhook, field: "webhook" }),
];

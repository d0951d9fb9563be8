import { lifecycleTypes, publicEvents, type PublicEvent } from "@relata/platform/http";
import * as events from "@relata/proto/events/v1/reporting";
import { REPORTING_STREAM } from "./events/stream";
import { quota } from "./resources";

/** The events partners' webhooks may subscribe to (docs/events.md). */
const stream = REPORTING_STREAM.name;
export const REPORTING_PUBLIC_EVENTS: readonly PublicEvent[] = [
  ...publicEvents(stream, events, "QuotaChanged", lifecycleTypes("reporting.quota"), { resource: quota, field: "quota" }),
  ...publicEvents(stream, events, "CustomerValueChanged", ["reporting.customer.value_changed"]),
];

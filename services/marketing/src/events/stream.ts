import type { StreamSpec } from "@relata/platform";
import { eventSubjects } from "@relata/platform/resource";
import { campaign, segment } from "../resources";

/**
 * The stream every Marketing event is published on. It holds message schedules too: a
 * campaign's start and end are fired by the server on time, whether or not Marketing is up.
 */
export const MARKETING_STREAM: StreamSpec = { name: "MARKETING", subjects: ["marketing.>"], allowMsgSchedules: true };

/** The generic changes of each CRUD resource, from its description: `marketing.campaign.created|updated|deleted|restored`. */
export const RESOURCE_SUBJECTS = { campaign: eventSubjects(campaign), segment: eventSubjects(segment) };

/** The rest of the event catalogue (docs/events.md). */
export const SUBJECTS = {} as const;

/**
 * Sales' stream, whose contact, account, lead and opportunity events build the audience and the
 * campaigns' attribution. The same spec as Sales' own (ensuring it is then a no-op), so either
 * may start first.
 */
export const SALES_STREAM: StreamSpec = { name: "SALES", subjects: ["sales.>"] };

import { enumCodec, f, resource, Subdocument } from "@relata/platform/resource";
import { Campaign, CampaignStatus, CreateCampaignRequest, ListCampaignsRequest, UpdateCampaignRequest } from "@relata/proto/marketing/v1/campaign";
import { Channel } from "@relata/proto/marketing/v1/channel";
import { MARKETERS, RESULT_READERS } from "./roles";
import { CreateSegmentRequest, ListSegmentsRequest, Segment, SegmentMatch, UpdateSegmentRequest, type SegmentCondition } from "@relata/proto/marketing/v1/segment";
import { MAX_CONDITIONS, SegmentConditionRow } from "./domain/segment-catalogue";

/**
 * Marketing's CRUD resources, described once: the API's schemas, the service's input checks,
 * the collections and indexes, the record ↔ message codec, the event subjects and the
 * permission rows derive from these. This module imports no runtime of the service, so the
 * gateway can import it through `@relata/marketing/resources`.
 */

export { CALLERS, MARKETERS, RESULT_READERS } from "./roles";

export const channel = enumCodec(Channel, "CHANNEL_");
export const campaignStatus = enumCodec(CampaignStatus, "CAMPAIGN_STATUS_");

export const campaign = resource<Campaign, CreateCampaignRequest, UpdateCampaignRequest, ListCampaignsRequest>()({
  name: "marketing.campaign",
  path: "/v1/campaigns",
  collection: "campaigns",
  fields: {
    name: f.text(200).required().sortable(),
    objective: f.text(500).clearable().describe('What it aims at: "100 registrations for the spring webinar".'),
    description: f.text(5_000).clearable(),
    budget: f.money().describe("What it may spend."),
    actualCost: f.money().describe("What it has cost so far; results weigh won revenue against it."),
    startsAt: f.timestamp().sortable().describe("When it starts once scheduled: its members are fixed then."),
    endsAt: f.timestamp().relatesTo("after startsAt").describe("When it ends once running."),
    channels: f.list(f.enum(channel), 4).describe("The channels it reaches people on; consent is checked per channel at launch."),
    segmentIds: f.list(f.ref("marketing.segment"), 20).describe("Segments whose members at launch it targets."),
    listIds: f.list(f.ref("marketing.list"), 20).describe("Marketing lists whose members at launch it targets."),
    status: f.enum(campaignStatus).readOnly().filter(),
    ownerId: f.owner().filter(),
  },
  access: {
    read: RESULT_READERS,
    write: MARKETERS,
    scopes: { read: "marketing:read", create: "marketing:write", update: "marketing:write" },
  },
});

/** A condition as the collection keeps it; its value is any JSON (an empty definition is mongoose's Mixed). */
const storedCondition = new Subdocument({ field: String, operator: String, value: {} });

export const segmentMatch = enumCodec(SegmentMatch, "SEGMENT_MATCH_");

export const segment = resource<Segment, CreateSegmentRequest, UpdateSegmentRequest, ListSegmentsRequest>()({
  name: "marketing.segment",
  path: "/v1/segments",
  collection: "segments",
  fields: {
    name: f.text(200).required().sortable(),
    description: f.text(2_000).clearable(),
    match: f.enum(segmentMatch).defaulted('"all" (every condition) unless "any" (at least one).'),
    conditions: f
      .rows<SegmentCondition>(SegmentConditionRow, { max: MAX_CONDITIONS, mongo: storedCondition })
      .describe("Rules over the audience (docs/marketing.md lists the fields and operators). None: the whole audience.")
      .example([{ field: "industry", operator: "equals", value: "Retail" }]),
    ownerId: f.owner().filter(),
  },
  access: {
    read: MARKETERS,
    write: MARKETERS,
    scopes: { read: "marketing:read" },
  },
});

/** Every CRUD resource of Marketing, in the order the API lists them. */
export const MARKETING_RESOURCES = [campaign, segment] as const;

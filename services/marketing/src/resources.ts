import { enumCodec, f, resource, Subdocument } from "@relata/platform/resource";
import { Campaign, CampaignStatus, CreateCampaignRequest, ListCampaignsRequest, UpdateCampaignRequest, type LaunchReport } from "@relata/proto/marketing/v1/campaign";
import { Channel } from "@relata/proto/marketing/v1/channel";
import { z } from "zod";
import { ConsentStatus } from "@relata/proto/marketing/v1/consent";
import { CreateMarketingListRequest, ListMarketingListsRequest, MarketingList, UpdateMarketingListRequest } from "@relata/proto/marketing/v1/marketing_list";
import { ResponseType } from "@relata/proto/marketing/v1/response";
import {
  CreateScoringRuleRequest,
  ListScoringRulesRequest,
  ScoringAttribute,
  ScoringOperator,
  ScoringRule,
  ScoringRuleKind,
  UpdateScoringRuleRequest,
} from "@relata/proto/marketing/v1/scoring";
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

/** What a launch fixed (docs/marketing.md): members, people left out, and the reasons, counted in people. */
export const LAUNCH_REPORT_COUNTS = ["members", "excluded", "consentWithdrawnEmail", "consentWithdrawnPhone", "consentWithdrawnSms", "consentWithdrawnPost", "noEmail", "noPhone"] as const;
export type LaunchReportRecord = Record<(typeof LAUNCH_REPORT_COUNTS)[number], number>;
const LaunchReportJson = z
  .object(Object.fromEntries(LAUNCH_REPORT_COUNTS.map((k) => [k, z.number().int()])) as Record<(typeof LAUNCH_REPORT_COUNTS)[number], z.ZodNumber>)
  .nullable()
  .meta({ description: "Set at launch: members fixed, people excluded (no usable channel), and per reason the people a channel was dropped for." });

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
    launchedAt: f.timestamp().readOnly().describe("When it was launched: its members were fixed then."),
    completedAt: f.timestamp().readOnly(),
    cancelledAt: f.timestamp().readOnly(),
    launchReport: f.custom<{ proto: LaunchReport | undefined; json: z.output<typeof LaunchReportJson>; record: LaunchReportRecord | undefined }>({
      output: LaunchReportJson,
      toJson: (r) => (r ? (Object.fromEntries(LAUNCH_REPORT_COUNTS.map((k) => [k, Number(r[k])])) as LaunchReportRecord) : null),
      recordToProto: (r) => (r ? (Object.fromEntries(LAUNCH_REPORT_COUNTS.map((k) => [k, String(r[k] ?? 0)])) as unknown as LaunchReport) : undefined),
      mongo: Object.fromEntries(LAUNCH_REPORT_COUNTS.map((k) => [k, Number])),
      emptyRecord: undefined,
    }),
  },
  access: {
    read: RESULT_READERS,
    write: MARKETERS,
    scopes: { read: "marketing:read", create: "marketing:write", update: "marketing:write" },
  },
});

export const marketingList = resource<MarketingList, CreateMarketingListRequest, UpdateMarketingListRequest, ListMarketingListsRequest>()({
  name: "marketing.list",
  path: "/v1/marketing-lists",
  collection: "marketing_lists",
  fields: {
    name: f.text(200).required().sortable(),
    description: f.text(5_000).clearable(),
    ownerId: f.owner().filter(),
  },
  access: {
    read: MARKETERS,
    write: MARKETERS,
    scopes: { read: "marketing:read" },
  },
});

export const responseType = enumCodec(ResponseType, "RESPONSE_TYPE_");
export const scoringRuleKind = enumCodec(ScoringRuleKind, "SCORING_RULE_KIND_");
export const scoringAttribute = enumCodec(ScoringAttribute, "SCORING_ATTRIBUTE_");
export const scoringOperator = enumCodec(ScoringOperator, "SCORING_OPERATOR_");

export const scoringRule = resource<ScoringRule, CreateScoringRuleRequest, UpdateScoringRuleRequest, ListScoringRulesRequest>()({
  name: "marketing.scoring_rule",
  path: "/v1/scoring-rules",
  collection: "scoring_rules",
  fields: {
    name: f.text(200).required().sortable(),
    kind: f.enum(scoringRuleKind).required().createOnly().filter().describe('"behaviour": points for what the lead did; "attribute": points for what it is. The other kind\'s fields are kept as given and have no effect.'),
    attribute: f.enum(scoringAttribute).createOnly().relatesTo("required for an attribute rule").describe("An attribute rule's lead attribute."),
    operator: f.enum(scoringOperator).relatesTo("required for an attribute rule").describe('An attribute rule\'s test: "equals", "contains" or "in" (letter case aside).'),
    values: f.list(f.text(200), 20).relatesTo('an attribute rule\'s: one for "equals" and "contains", one or more for "in"').describe('An attribute rule\'s values: one for "equals" and "contains", one or more for "in".'),
    responseType: f.enum(responseType).createOnly().relatesTo('required for a behaviour rule (not "unsubscribed")').describe('A behaviour rule\'s response type (not "unsubscribed").'),
    points: f.int(-100, 100).required().describe("What the rule adds (or, negative, takes away)."),
    halfLifeDays: f
      .int(0, 3650)
      .describe("A behaviour rule's decay: its points halve every this many days after the response (0: they never fade)."),
  },
  access: {
    read: RESULT_READERS,
    write: MARKETERS,
    scopes: { read: "marketing:read" },
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
export const MARKETING_RESOURCES = [campaign, segment, marketingList, scoringRule] as const;

export const consentStatus = enumCodec(ConsentStatus, "CONSENT_STATUS_");

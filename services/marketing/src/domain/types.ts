import type { BaseRecord } from "@relata/platform";
import type { ResourceRecord } from "@relata/platform/resource";
import type { campaign, campaignStatus, channel } from "../resources";
import type { SegmentConditionValue } from "./segment-catalogue";

/**
 * Marketing's records as the service keeps them. Enumerations are short lowercase names here
 * (the database and the rules speak them); the gRPC layer maps them to the proto enums.
 */

export type MarketingChannel = (typeof channel.words)[number];
export type CampaignStatus = (typeof campaignStatus.words)[number];

export interface CampaignRecord extends BaseRecord, Omit<ResourceRecord<typeof campaign.fields>, keyof BaseRecord> {
  status: CampaignStatus;
  ownerId: string;
  channels: MarketingChannel[];
  segmentIds: string[];
  listIds: string[];
}

/** Which kind of Sales record a person of the audience is. */
export type PersonKind = "contact" | "lead";

/**
 * A person of Marketing's audience (its copy of Sales' contacts and leads): what a campaign
 * needs to reach them. `personId` is the Sales record's id.
 */
export interface AudiencePerson {
  personId: string;
  kind: PersonKind;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  ownerId: string;
  /** A contact's account; "" for a lead. */
  accountId: string;
}

/** Whom a campaign targets: its segments' members and its lists' members at the moment of asking. */
export interface AudienceTargets {
  segmentIds: string[];
  listIds: string[];
}

/** How the rest of Marketing reads the audience (its implementation lives in src/audience). */
export interface AudienceReader {
  /** Every person the targets name (segments' current members and lists' members), each once, in batches. */
  targets(tenantId: string, targets: AudienceTargets): AsyncIterable<AudiencePerson[]>;
  /** The people with these ids that the audience knows (unknown ids are left out). */
  people(tenantId: string, personIds: readonly string[]): Promise<AudiencePerson[]>;
}

export type ConsentStatus = "granted" | "withdrawn";

/**
 * A person's consent on one channel as it stands: `<tenantId>/<personId>:<channel>`. Each change
 * is kept apart as proof (the consent area's history); this is the current answer a launch reads.
 */
export interface ConsentRecord {
  _id: string;
  tenantId: string;
  personId: string;
  channel: MarketingChannel;
  status: ConsentStatus;
  /** Where it was given or withdrawn: "web-form", "unsubscribe-link", "phone call", an import... */
  source: string;
  /** When the person gave or withdrew it. */
  at: Date;
  updatedAt: Date;
}

/**
 * A person fixed into a campaign's member list at launch: `<tenantId>/<campaignId>:<personId>`,
 * with the channels the campaign may use for them (consent and contact points checked then).
 */
export interface CampaignMemberRecord {
  _id: string;
  tenantId: string;
  campaignId: string;
  personId: string;
  kind: PersonKind;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  channels: MarketingChannel[];
  addedAt: Date;
}

export type SegmentMatchWord = "all" | "any";

export interface SegmentRecord extends BaseRecord {
  name: string;
  description?: string;
  match?: SegmentMatchWord;
  conditions: SegmentConditionValue[];
  ownerId: string;
}

/**
 * A person on a static marketing list: `<tenantId>/<listId>:<personId>` (one membership per
 * person and list, claimed by its unique `_id`).
 */
export interface ListMemberRecord {
  _id: string;
  tenantId: string;
  listId: string;
  personId: string;
  addedAt: Date;
}

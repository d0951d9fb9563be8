import type { BaseRecord } from "@relata/platform";
import type { ResourceRecord } from "@relata/platform/resource";
import type { campaign, campaignStatus, channel, marketingList } from "../resources";
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

/** What a call of a call list came to. */
export const CALL_OUTCOMES = ["reached", "no_answer", "busy", "wrong_number", "callback", "not_interested", "interested"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/**
 * One member of a phone campaign on its call list, given to one rep:
 * `<tenantId>/<campaignId>:<personId>` (the member's own id), inserted once, so two
 * distributions never give a member to two reps. It keeps its latest outcome; the attempts
 * are CallAttemptRecords.
 */
export interface CallRecord {
  _id: string;
  tenantId: string;
  campaignId: string;
  personId: string;
  assigneeId: string;
  /** The member's place in the campaign's phone members (person id order): the round robin's turn. */
  ordinal: number;
  firstName: string;
  lastName: string;
  phone: string;
  /** The latest attempt's outcome; "" before the first call. */
  outcome: CallOutcome | "";
  callbackAt?: Date;
  lastCalledAt?: Date;
  assignedAt: Date;
  updatedAt: Date;
}

/** One attempt on a call, kept as history; its document carries the `marketing.call.logged` event. */
export interface CallAttemptRecord {
  /** `<callId>:<time>-<random>`: the attempts of a call in time order. */
  _id: string;
  tenantId: string;
  campaignId: string;
  personId: string;
  callId: string;
  assigneeId: string;
  outcome: CallOutcome;
  note: string;
  callbackAt?: Date;
  loggedBy: string;
  at: Date;
}

export const SURVEY_QUESTION_KINDS = ["single", "multiple", "scale", "text"] as const;
export type SurveyQuestionKind = (typeof SURVEY_QUESTION_KINDS)[number];

export interface SurveyQuestionRecord {
  id: string;
  text: string;
  kind: SurveyQuestionKind;
  options: string[];
}

/** A campaign's questionnaire: `<tenantId>/<campaignId>`. */
export interface SurveyRecord {
  _id: string;
  tenantId: string;
  campaignId: string;
  questions: SurveyQuestionRecord[];
  version: number;
  updatedAt: Date;
}

export interface SurveyAnswerRecord {
  questionId: string;
  choices: string[];
  /** 1-10 for a scale question, 0 otherwise. */
  scale: number;
  text: string;
}

/**
 * One respondent's answers to a campaign's survey: `<tenantId>/<campaignId>:person:<personId>`
 * or `...:key:<respondentKey>`, inserted once (a second answer set is refused).
 */
export interface SurveyAnswerSetRecord {
  _id: string;
  tenantId: string;
  campaignId: string;
  personId: string;
  respondentKey: string;
  answers: SurveyAnswerRecord[];
  answeredAt: Date;
}

/** A person on a static marketing list: `<tenantId>/<listId>:<personId>`. */
export interface ListMemberRecord {
  _id: string;
  tenantId: string;
  listId: string;
  personId: string;
  addedAt: Date;
}

export interface MarketingListRecord extends BaseRecord, Omit<ResourceRecord<typeof marketingList.fields>, keyof BaseRecord> {
  ownerId: string;
}

export type SegmentMatchWord = "all" | "any";

export interface SegmentRecord extends BaseRecord {
  name: string;
  description?: string;
  match?: SegmentMatchWord;
  conditions: SegmentConditionValue[];
  ownerId: string;
}

import { enumCodec, type EnumCodec } from "@relata/platform";
import { ActivityType } from "@relata/proto/sales/v1/activity";
import { LeadSource, LeadStatus } from "@relata/proto/sales/v1/lead";
import { OpportunityStatus } from "@relata/proto/sales/v1/opportunity";
import { StageKind } from "@relata/proto/sales/v1/pipeline";
import { RecordType } from "@relata/proto/common/v1/common";

/**
 * Where proto enums ("LEAD_STATUS_NEW") meet the API's short lower-case words ("new"): the
 * kit's enum codec, the same the services use, derived from the generated enum, so a value
 * added to a proto appears in the API (and its OpenAPI document) without a second list.
 */
export type EnumMap<P extends string> = EnumCodec<P>;

export const leadStatus = enumCodec(LeadStatus, "LEAD_STATUS_");
export const leadSource = enumCodec(LeadSource, "LEAD_SOURCE_");
export const opportunityStatus = enumCodec(OpportunityStatus, "OPPORTUNITY_STATUS_");
export const stageKind = enumCodec(StageKind, "STAGE_KIND_");
export const activityType = enumCodec(ActivityType, "ACTIVITY_TYPE_");
export const recordType = enumCodec(RecordType, "RECORD_TYPE_");

import { toMessage, type ResourceRecord } from "@relata/platform/resource";
import type { Campaign } from "@relata/proto/marketing/v1/campaign";
import type { CampaignRecord, SegmentRecord } from "../domain/types";
import { campaign, segment } from "../resources";
import type { Segment } from "@relata/proto/marketing/v1/segment";

export const toCampaign = (r: CampaignRecord): Campaign => toMessage(campaign, r as unknown as ResourceRecord<typeof campaign.fields>);

export const toSegment = (r: SegmentRecord): Segment => toMessage(segment, r as unknown as ResourceRecord<typeof segment.fields>);

import { ActivityType } from "@relata/proto/sales/v1/activity";
import { LeadSource, LeadStatus } from "@relata/proto/sales/v1/lead";
import { OpportunityStatus } from "@relata/proto/sales/v1/opportunity";
import { StageKind } from "@relata/proto/sales/v1/pipeline";
import { RecordType } from "@relata/proto/common/v1/common";
import { z } from "zod";

/**
 * The one place where proto enums ("LEAD_STATUS_NEW") meet the API's short lower-case words
 * ("new"). Each map is derived from the generated enum, so a value added to a proto appears
 * in the API (and its OpenAPI document) without a second list to keep in step.
 */
export interface EnumMap<P extends string> {
  words: [string, ...string[]];
  schema: z.ZodEnum<Record<string, string>>;
  toProto(word: string): P;
  /** The API word; null for the UNSPECIFIED value. */
  fromProto(value: P): string | null;
}

function enumMap<P extends string>(values: Record<string, P>, prefix: string): EnumMap<P> {
  const toWord = new Map<P, string>();
  const toProto = new Map<string, P>();
  for (const value of Object.values(values)) {
    if (value === `${prefix}UNSPECIFIED`) continue;
    const word = value.slice(prefix.length).toLowerCase();
    toWord.set(value, word);
    toProto.set(word, value);
  }
  const words = [...toProto.keys()] as [string, ...string[]];
  return {
    words,
    schema: z.enum(words),
    toProto(word) {
      const value = toProto.get(word);
      if (!value) throw new Error(`unknown ${prefix} word ${word}`);
      return value;
    },
    fromProto(value) {
      return toWord.get(value) ?? null;
    },
  };
}

export const leadStatus = enumMap(LeadStatus, "LEAD_STATUS_");
export const leadSource = enumMap(LeadSource, "LEAD_SOURCE_");
export const opportunityStatus = enumMap(OpportunityStatus, "OPPORTUNITY_STATUS_");
export const stageKind = enumMap(StageKind, "STAGE_KIND_");
export const activityType = enumMap(ActivityType, "ACTIVITY_TYPE_");
export const recordType = enumMap(RecordType, "RECORD_TYPE_");

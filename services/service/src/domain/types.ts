import type { ResourceRecord } from "@relata/platform/resource";
import type { caseChannel, casePriority, caseStatus, supportCase } from "../resources";

/**
 * The Service's records as the service keeps them. Enumerations are short lowercase names here
 * (the database and the rules speak them); the gRPC layer maps them to the proto enums.
 */

export type CaseStatus = (typeof caseStatus.words)[number];
export type CasePriority = (typeof casePriority.words)[number];
export type CaseChannel = (typeof caseChannel.words)[number];

export type CaseRecord = ResourceRecord<typeof supportCase.fields>;

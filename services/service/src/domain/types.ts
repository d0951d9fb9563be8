import type { ResourceRecord } from "@relata/platform/resource";
import type { appointment, appointmentStatus, bookableKind, bookableResource, caseChannel, casePriority, caseStatus, entitlement, entitlementUnit, supportCase } from "../resources";

/**
 * The Service's records as the service keeps them. Enumerations are short lowercase names here
 * (the database and the rules speak them); the gRPC layer maps them to the proto enums.
 */

export type CaseStatus = (typeof caseStatus.words)[number];
export type CasePriority = (typeof casePriority.words)[number];
export type CaseChannel = (typeof caseChannel.words)[number];

export type CaseRecord = ResourceRecord<typeof supportCase.fields>;

export type EntitlementUnitWord = (typeof entitlementUnit.words)[number];
export type BookableKind = (typeof bookableKind.words)[number];
export type AppointmentStatus = (typeof appointmentStatus.words)[number];

/** An entitlement as stored: its units used and left are counted from its unit claims when it is read, never stored. */
export type EntitlementRecord = ResourceRecord<typeof entitlement.fields>;
export type BookableResourceRecord = ResourceRecord<typeof bookableResource.fields>;
export type AppointmentRecord = ResourceRecord<typeof appointment.fields>;

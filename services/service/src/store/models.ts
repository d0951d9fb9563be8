import { claimModel, type Claim, type Stored } from "@relata/platform";
import { mongooseSchema, type AnyResource, type Fields } from "@relata/platform/resource";
import type { Connection, Model, Schema } from "mongoose";
import type { AppointmentRecord, BookableResourceRecord, CaseRecord, EntitlementRecord } from "../domain/types";
import { appointment, bookableResource, entitlement, supportCase } from "../resources";

/** A description's collection schema, with fields the service always sets marked required. */
function described<F extends Fields, T>(r: AnyResource<F>, alwaysSet: readonly string[] = []): Schema<Stored<T>> {
  const schema = mongooseSchema(r);
  for (const path of alwaysSet) schema.path(path).required(true);
  return schema as unknown as Schema<Stored<T>>;
}

export const caseSchema = described<typeof supportCase.fields, CaseRecord>(supportCase, ["number", "channel", "priority", "status"]);
// A case number names one case of the tenant.
caseSchema.index({ tenantId: 1, number: 1 }, { unique: true });

export const entitlementSchema = described<typeof entitlement.fields, EntitlementRecord>(entitlement, ["startDate", "unit", "active"]);
// Units used and left are counted from the unit claims when read, never stored.
entitlementSchema.remove(["unitsUsed", "unitsLeft"]);
// The applicable entitlements of a new case are looked up by account.
entitlementSchema.index({ tenantId: 1, accountId: 1, active: 1 });

export const bookableResourceSchema = described<typeof bookableResource.fields, BookableResourceRecord>(bookableResource, ["kind", "timeZone", "active"]);

export const appointmentSchema = described<typeof appointment.fields, AppointmentRecord>(appointment, ["end", "timeZone", "status"]);
// Availability reads a resource's booked appointments over a range.
appointmentSchema.index({ tenantId: 1, resourceId: 1, status: 1, start: 1 });

export interface ServiceModels {
  cases: Model<Stored<CaseRecord>>;
  entitlements: Model<Stored<EntitlementRecord>>;
  bookableResources: Model<Stored<BookableResourceRecord>>;
  appointments: Model<Stored<AppointmentRecord>>;
  /** Unit n of an entitlement, `<entitlementId>:<n>`, held by the case that uses it. */
  entitlementUnitClaims: Model<Claim>;
  /** A slot of a resource, `<resourceId>:<slotStartISO>`, held by the appointment that books it. */
  appointmentSlotClaims: Model<Claim>;
}

/** Registers the models on the service's own connection (never the mongoose default one). */
export function createModels(db: Connection): ServiceModels {
  return {
    cases: db.model<Stored<CaseRecord>>("Case", caseSchema),
    entitlements: db.model<Stored<EntitlementRecord>>("Entitlement", entitlementSchema),
    bookableResources: db.model<Stored<BookableResourceRecord>>("BookableResource", bookableResourceSchema),
    appointments: db.model<Stored<AppointmentRecord>>("Appointment", appointmentSchema),
    entitlementUnitClaims: claimModel(db, "entitlement_unit_claims"),
    appointmentSlotClaims: claimModel(db, "appointment_slot_claims"),
  };
}

/** The models whose documents carry an outbox, for the relay. */
export function outboxModels(models: ServiceModels): Model<unknown>[] {
  return [models.cases, models.entitlements, models.bookableResources, models.appointments] as unknown as Model<unknown>[];
}

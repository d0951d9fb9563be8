import type { BaseRecord } from "../store/records";

/** A Timestamp as ts-proto gives it (an ISO string), or absent. */
export function isoTimestamp(date: Date | undefined): string | undefined {
  return date ? new Date(date).toISOString() : undefined;
}

/** The fields every record message starts with, from the record (the version travels as int64). */
export function baseToProto(r: BaseRecord): { id: string; tenantId: string; version: string; createdAt?: string; updatedAt?: string } {
  return { id: r._id, tenantId: r.tenantId, version: String(r.version), createdAt: isoTimestamp(r.createdAt), updatedAt: isoTimestamp(r.updatedAt) };
}

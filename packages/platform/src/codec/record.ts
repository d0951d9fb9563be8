/** A Timestamp as ts-proto gives it (an ISO string), or absent. */
export function isoTimestamp(date: Date | undefined): string | undefined {
  return date ? new Date(date).toISOString() : undefined;
}

/** A tenant's human case number: "CS-" and at least six digits ("CS-000123", "CS-1234567"). */
export function formatCaseNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`a case number counts from 1, not ${n}`);
  return `CS-${String(n).padStart(6, "0")}`;
}

/** The sequence key of a tenant's case numbers. */
export const caseNumberKey = (tenantId: string): string => `case-number:${tenantId}`;

import { isDuplicateKey, NOT_DELETED } from "@relata/platform";
import type { Collection, Connection, Model } from "mongoose";
import { OPEN_CASE_STATUSES } from "../domain/queue";
import type { CaseRecord } from "../domain/types";

interface OwnershipClaim {
  _id: string;
  at: Date;
}

/**
 * How long a claim on a case's ownership holds before another writer may take over: far longer
 * than any assignment takes, so only a claimant that died between its claim and its write is
 * overtaken.
 */
export const OWNERSHIP_CLAIM_LEASE_MS = 30_000;

/**
 * Claims on who may change a case's owner or queue at one version of the case. FerretDB applies
 * no conditional update atomically, so two concurrent writers that both read version v could
 * both write; the claim, an insert of the unique `_id` `<tenant>:<case>:<v>:<attempt>`, lets
 * exactly one of them go on. A claim left by a writer that died is overtaken once its lease is
 * over, by an insert of the next attempt (again exactly one winner).
 */
export class OwnershipClaims {
  private readonly claims: Collection<OwnershipClaim>;

  constructor(db: Connection, collection = "assignment_claims") {
    this.claims = db.collection<OwnershipClaim>(collection);
  }

  /** Whether the caller may change the placement of the case at `version` (false: another writer holds it). */
  async claim(tenantId: string, caseId: string, version: number, now = () => new Date()): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      const _id = `${tenantId}:${caseId}:${version}:${attempt}`;
      try {
        await this.claims.insertOne({ _id, at: now() });
        return true;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      const held = await this.claims.findOne({ _id });
      if (held && now().getTime() - new Date(held.at).getTime() < OWNERSHIP_CLAIM_LEASE_MS) return false;
    }
  }
}

/**
 * How many open cases each of `memberIds` owns in the tenant (a member without any is absent):
 * one query, served by the cases' `(tenantId, ownerId, ...)` index.
 */
export async function openCasesByOwner(cases: Model<CaseRecord> | Model<unknown>, tenantId: string, memberIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await (cases as Model<CaseRecord>).aggregate<{ _id: string; open: number }>([
    { $match: { tenantId, ownerId: { $in: [...memberIds] }, status: { $in: [...OPEN_CASE_STATUSES] }, ...NOT_DELETED } },
    { $group: { _id: "$ownerId", open: { $sum: 1 } } },
  ]);
  return new Map(rows.map((row) => [row._id, row.open]));
}

import { claimAll, claimsOf, type Claim } from "@relata/platform";
import type { Model } from "mongoose";

/**
 * The units of entitlements the cases use: unit n of an entitlement is the claim
 * `<entitlementId>:<n>` held by the case that uses it (an insert of a unique key, the one step
 * the database applies atomically), so two cases never use one unit and a case finds its own
 * unit again on a redelivered event.
 */
export class EntitlementUnits {
  constructor(private readonly claims: Model<Claim>) {}

  /** How many units of the entitlement cases have used. */
  used(tenantId: string, entitlementId: string): Promise<number> {
    return this.claims.countDocuments({ tenantId, key: { $regex: `^${escapeRegex(entitlementId)}:` } });
  }

  /** The entitlement whose unit the case holds, if it holds one. */
  async heldBy(tenantId: string, caseId: string): Promise<string | undefined> {
    const [claim] = await claimsOf(this.claims, tenantId, caseId);
    return claim ? claim.key.slice(0, claim.key.lastIndexOf(":")) : undefined;
  }

  /** Claims one unit key for the case; false when another case holds it. */
  async claim(tenantId: string, key: string, caseId: string): Promise<boolean> {
    return (await claimAll(this.claims, { tenantId, keys: [key], holder: caseId })).claimed;
  }
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

import type { ReassignmentResult } from "@relata/proto/sales/v1/territory";
import { named } from "@relata/platform/http";
import { z } from "zod";
import { TerritoryRuleRow } from "../../resources";

export const TerritoryRulesReplacement = named(
  "TerritoryRulesReplacement",
  z.strictObject({
    rules: z.array(TerritoryRuleRow).max(50, "must have at most 50 rules").meta({ description: "The territory's new rules (all of them; [] removes every rule)." }),
    dryRun: z.boolean().default(false).meta({ description: "Say what would move, write nothing." }),
  }),
  "A territory's new rules; the tenant's accounts and leads are re-evaluated with them.",
);

export const TerritoryMoveJson = named(
  "TerritoryMove",
  z.object({
    type: z.enum(["account", "lead", "opportunity"]),
    id: z.string(),
    fromTerritory: z.string().nullable().meta({ description: "The code it was in (null: none); null for an opportunity." }),
    toTerritory: z.string().nullable().meta({ description: "The code it goes to; null for an opportunity (it follows its account's owner)." }),
    fromOwner: z.string(),
    toOwner: z.string(),
  }),
);

export function reassignmentJson<T>(r: ReassignmentResult, territoryJson: (t: NonNullable<ReassignmentResult["territory"]>) => T) {
  return {
    territory: territoryJson(r.territory!),
    dryRun: r.dryRun,
    moved: r.moved.map((m) => ({
      type: m.type as "account" | "lead" | "opportunity",
      id: m.id,
      fromTerritory: m.fromTerritory || null,
      toTerritory: m.toTerritory || null,
      fromOwner: m.fromOwner,
      toOwner: m.toOwner,
    })),
    counts: { accounts: r.accounts, leads: r.leads, opportunities: r.opportunities },
  };
}

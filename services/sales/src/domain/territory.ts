import { InvalidArgument } from "@relata/platform";
import type { TerritoryRule } from "@relata/proto/sales/v1/territory";

/**
 * Territories: the hierarchy's rules (no cycles) and placement (which territory an account or
 * a lead belongs in, and who then owns it). Pure functions over the tenant's territories; the
 * store reads them, the handlers write what these decide. docs/territories.md states the rules.
 */

/** What placement needs of a territory. */
export interface TerritoryNode {
  _id: string;
  code: string;
  name: string;
  parentId: string;
  memberIds: readonly string[];
  defaultOwnerId: string;
  rules: readonly TerritoryRule[];
  priority: number;
}

/** What placement reads of an account or a lead. */
export interface Placeable {
  country: string;
  region: string;
  industry: string;
  employeeCount: number;
}

export type PlacedType = "account" | "lead";

/** The fields whose change re-places a record. */
export const PLACEMENT_FIELDS = ["country", "region", "industry", "employeeCount"] as const;

/** Deepest chain the hierarchy may have (a bound on walks, also against corrupt data). */
export const MAX_TERRITORY_DEPTH = 20;

const same = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/** A rule matches when it applies to the record's type and every criterion it names matches. */
export function ruleMatches(rule: TerritoryRule, type: PlacedType, r: Placeable): boolean {
  if (rule.appliesTo !== "both" && rule.appliesTo !== `${type}s`) return false;
  if (rule.countries.length && !rule.countries.includes(r.country)) return false;
  if (rule.regions.length && !(r.region && rule.regions.some((x) => same(x, r.region)))) return false;
  if (rule.industries.length && !(r.industry && rule.industries.some((x) => same(x, r.industry)))) return false;
  // A size bound needs a known size (0 is unknown).
  if ((rule.minEmployees || rule.maxEmployees) && !r.employeeCount) return false;
  if (rule.minEmployees && r.employeeCount < rule.minEmployees) return false;
  if (rule.maxEmployees && r.employeeCount > rule.maxEmployees) return false;
  return true;
}

/** The tenant's territories indexed for placement and roll-up. */
export class TerritoryTree {
  readonly byId = new Map<string, TerritoryNode>();
  readonly byCode = new Map<string, TerritoryNode>();
  private readonly depths = new Map<string, number>();

  constructor(nodes: Iterable<TerritoryNode>) {
    for (const n of nodes) {
      this.byId.set(n._id, n);
      this.byCode.set(n.code, n);
    }
  }

  get nodes(): TerritoryNode[] {
    return [...this.byId.values()];
  }

  /** 0 for a top-level territory (or one whose parent is gone). */
  depth(id: string): number {
    const known = this.depths.get(id);
    if (known !== undefined) return known;
    let depth = 0;
    let at = this.byId.get(id);
    while (at?.parentId && this.byId.has(at.parentId) && depth < MAX_TERRITORY_DEPTH) {
      depth++;
      at = this.byId.get(at.parentId);
    }
    this.depths.set(id, depth);
    return depth;
  }

  /** The territory and its ancestors, nearest first. */
  ancestry(id: string): TerritoryNode[] {
    const out: TerritoryNode[] = [];
    let at = this.byId.get(id);
    while (at && out.length <= MAX_TERRITORY_DEPTH) {
      out.push(at);
      at = at.parentId ? this.byId.get(at.parentId) : undefined;
    }
    return out;
  }

  /** The ids of the territory and all its descendants. */
  subtree(id: string): Set<string> {
    const out = new Set<string>([id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const n of this.byId.values()) {
        if (n.parentId && out.has(n.parentId) && !out.has(n._id)) {
          out.add(n._id);
          grew = true;
        }
      }
    }
    return out;
  }

  /**
   * The territory a record belongs in: among the territories with a rule matching it, the
   * deepest in the hierarchy, then the highest priority, then the lowest code (a plain string
   * comparison). Undefined when none matches.
   */
  place(type: PlacedType, r: Placeable, rulesOf: (n: TerritoryNode) => readonly TerritoryRule[] = (n) => n.rules): TerritoryNode | undefined {
    let best: TerritoryNode | undefined;
    let bestDepth = -1;
    for (const n of this.byId.values()) {
      if (!rulesOf(n).some((rule) => ruleMatches(rule, type, r))) continue;
      const depth = this.depth(n._id);
      if (!best || depth > bestDepth || (depth === bestDepth && (n.priority > best.priority || (n.priority === best.priority && n.code < best.code)))) {
        best = n;
        bestDepth = depth;
      }
    }
    return best;
  }
}

/**
 * The owner of a record placed in `t`: unchanged when it is one of the territory's members (or
 * the territory has no default owner), else the territory's default owner.
 */
export function ownerAfterPlacement(t: TerritoryNode, currentOwner: string): string {
  if (!t.defaultOwnerId || t.memberIds.includes(currentOwner)) return currentOwner;
  return t.defaultOwnerId;
}

/**
 * A parent must exist (the caller looks it up) and must not be the territory itself or one of
 * its descendants; refused naming `parent_id`. `parentOf` reads a territory's parent id.
 */
export async function checkTerritoryParent(
  territoryId: string | undefined,
  parentId: string,
  parentOf: (id: string) => Promise<string | undefined>,
): Promise<void> {
  if (!parentId) return;
  if (parentId === territoryId) throw new InvalidArgument("parent_id", "parent_id: a territory cannot be its own parent");
  let at: string | undefined = parentId;
  for (let depth = 0; at; depth++) {
    if (depth >= MAX_TERRITORY_DEPTH) throw new InvalidArgument("parent_id", `parent_id: a hierarchy has at most ${MAX_TERRITORY_DEPTH} levels`);
    const up: string | undefined = await parentOf(at);
    if (territoryId && up === territoryId) throw new InvalidArgument("parent_id", "parent_id: the territory would become its own ancestor");
    at = up;
  }
}

/** The default owner must be one of the members. */
export function checkDefaultOwner(defaultOwnerId: string, memberIds: readonly string[]): void {
  if (defaultOwnerId && !memberIds.includes(defaultOwnerId)) {
    throw new InvalidArgument("default_owner_id", "default_owner_id: must be one of member_ids");
  }
}

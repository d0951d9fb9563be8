import type { CallerOrActor } from "@relata/platform";
import { TerritoryTree, type TerritoryNode } from "../domain/territory";
import type { TerritoryRecord } from "../domain/types";
import type { SalesRepositories } from "./repositories";

/** A tenant has tens or hundreds of territories, never more than this: placement reads them all. */
export const MAX_TERRITORIES = 5_000;

export function territoryNode(t: TerritoryRecord): TerritoryNode {
  return {
    _id: t._id,
    code: t.code,
    name: t.name,
    parentId: t.parentId ?? "",
    memberIds: t.memberIds ?? [],
    defaultOwnerId: t.defaultOwnerId ?? "",
    rules: t.rules ?? [],
    priority: t.priority ?? 0,
  };
}

/** The tenant's live territories as a tree (one cursor over the tenant's territories). */
export async function loadTerritoryTree(repos: Pick<SalesRepositories, "territories">, caller: CallerOrActor): Promise<TerritoryTree> {
  const nodes: TerritoryNode[] = [];
  for await (const t of repos.territories.in(caller).scan({}, 500)) {
    nodes.push(territoryNode(t));
    if (nodes.length >= MAX_TERRITORIES) break;
  }
  return new TerritoryTree(nodes);
}

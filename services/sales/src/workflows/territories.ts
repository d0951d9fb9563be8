import { NotFound, StateConflict, VersionConflict, type CallerOrActor } from "@relata/platform";
import type { TerritoryRule } from "@relata/proto/sales/v1/territory";
import { ownerAfterPlacement, PLACEMENT_FIELDS, type Placeable, type PlacedType, type TerritoryNode, type TerritoryTree } from "../domain/territory";
import type { AccountRecord, LeadRecord, TerritoryRecord } from "../domain/types";
import { accountEvent, leadEvent, opportunityEvent, territoryEvent } from "../events/builders";
import type { SalesRepositories } from "../store/repositories";
import { loadTerritoryTree } from "../store/territories";

/**
 * Territory placement and reassignment (docs/territories.md): which territory an account or a
 * lead goes to on create and on a change of a rule-relevant field, who then owns it, and the
 * re-evaluation of the tenant's records when a territory's rules are replaced.
 */

/** One record moved (or that a dry run would move). */
export interface TerritoryMove {
  type: "account" | "lead" | "opportunity";
  id: string;
  fromTerritory: string;
  toTerritory: string;
  fromOwner: string;
  toOwner: string;
}

export interface Reassignment {
  territory: TerritoryRecord;
  dryRun: boolean;
  moved: TerritoryMove[];
  counts: { accounts: number; leads: number; opportunities: number };
}

type PlacedFields = Placeable & { territory: string; ownerId: string };

/** The placement of changed records (Territories.changePlacement). */
export interface ChangePlacement {
  /** Adds the territory (and owner) a change of rule-relevant fields leads to, to `set`. */
  place(set: Record<string, unknown>, current: PlacedFields & { _id: string }): Promise<void>;
  /** After the writes: the open opportunities of the accounts whose owner placement changed follow it. */
  followOwners(written: readonly { _id: string; ownerId: string }[]): Promise<void>;
}

const placeable = (r: Partial<Placeable>): Placeable => ({
  country: r.country ?? "",
  region: r.region ?? "",
  industry: r.industry ?? "",
  employeeCount: r.employeeCount ?? 0,
});

/** A lead that is converted, or being converted, stays where it is. */
const leadMovable = (l: LeadRecord) => l.status !== "converted" && !l.conversion;

export class Territories {
  constructor(private readonly repos: SalesRepositories) {}

  /**
   * A new record's territory and owner: unchanged when the caller named a territory or no
   * territory's rule matches; else the matching territory's code and, when the owner is not
   * one of its members, its default owner.
   */
  async placeNew<T extends PlacedFields>(caller: CallerOrActor, type: PlacedType, record: T): Promise<T> {
    return (await this.placeMany(caller, type, [record]))[0]!;
  }

  /** placeNew for a batch of new records (bulk writes), reading the territory tree once. */
  async placeMany<T extends PlacedFields>(caller: CallerOrActor, type: PlacedType, records: readonly T[]): Promise<T[]> {
    if (records.every((r) => r.territory)) return [...records];
    const tree = await loadTerritoryTree(this.repos, caller);
    return records.map((record) => {
      const placed = record.territory ? undefined : tree.place(type, placeable(record));
      return placed ? { ...record, territory: placed.code, ownerId: ownerAfterPlacement(placed, record.ownerId) } : record;
    });
  }

  /**
   * An update's placement, added to `set` (the changed fields): when it changes a rule-relevant
   * field and does not set the territory itself, the record goes to the matching territory (and
   * to its default owner when its owner is not a member); nothing when none matches. Returns
   * the owner change it made, if any.
   */
  async placeChanged(
    caller: CallerOrActor,
    type: PlacedType,
    set: Record<string, unknown>,
    current: PlacedFields,
    tree: () => Promise<TerritoryTree> = () => loadTerritoryTree(this.repos, caller),
  ): Promise<{ fromOwner: string; toOwner: string } | undefined> {
    if (set.territory !== undefined) return undefined;
    if (!PLACEMENT_FIELDS.some((f) => set[f] !== undefined)) return undefined;
    const merged: Partial<Placeable> = { ...current };
    for (const f of PLACEMENT_FIELDS) if (set[f] !== undefined) (merged as Record<string, unknown>)[f] = set[f] ?? (f === "employeeCount" ? 0 : "");
    const placed = (await tree()).place(type, placeable(merged));
    if (!placed || placed.code === current.territory) return undefined;
    set.territory = placed.code;
    const owner = (set.ownerId as string | undefined) ?? current.ownerId;
    const toOwner = ownerAfterPlacement(placed, owner);
    if (toOwner === owner) return undefined;
    set.ownerId = toOwner;
    return { fromOwner: owner, toOwner };
  }

  /**
   * placeChanged for the records one update or one bulk write changes: the territory tree read
   * once, at the first record that needs it; `followOwners` then moves the open opportunities of
   * the written accounts whose owner placement changed.
   */
  changePlacement(caller: CallerOrActor, type: PlacedType): ChangePlacement {
    let tree: Promise<TerritoryTree> | undefined;
    const ownerMoves = new Map<string, string>();
    return {
      place: async (set, current) => {
        const moved = await this.placeChanged(caller, type, set, current, () => (tree ??= loadTerritoryTree(this.repos, caller)));
        // Decided again on a fresh read after a version conflict: the last decision counts.
        if (moved) ownerMoves.set(current._id, moved.toOwner);
        else ownerMoves.delete(current._id);
      },
      followOwners: async (written) => {
        for (const record of written) {
          const toOwner = ownerMoves.get(record._id);
          if (toOwner !== undefined && record.ownerId === toOwner) await this.followAccountOwner(caller, record._id, toOwner);
        }
      },
    };
  }

  /**
   * The open opportunities of an account whose owner changed by placement follow it: each one
   * owned by someone else than the new owner gets the new owner (with its updated event).
   */
  async followAccountOwner(caller: CallerOrActor, accountId: string, toOwner: string, dryRun = false): Promise<TerritoryMove[]> {
    const opportunities = this.repos.opportunities.in(caller);
    const open = (await opportunities.findByValues("accountId", [accountId])).get(accountId) ?? [];
    const moves: TerritoryMove[] = [];
    for (const o of open) {
      if (o.status !== "open" || o.ownerId === toOwner) continue;
      moves.push({ type: "opportunity", id: o._id, fromTerritory: "", toTerritory: "", fromOwner: o.ownerId, toOwner });
      if (dryRun) continue;
      await opportunities.update(o._id, 0, (current) =>
        current.status !== "open" || current.ownerId === toOwner
          ? null
          : { set: { ownerId: toOwner }, events: (next, actor) => [opportunityEvent("updated", next, actor)] },
      );
    }
    return moves;
  }

  /**
   * Replaces a territory's rules and re-evaluates every account and lead of the tenant with the
   * new rules (read through cursors, one batch at a time): a record goes to the territory it now
   * matches when that differs from its current one; a record no rule matches stays where it is.
   * A dry run writes nothing. Re-running it with the same rules moves nothing more, so a
   * reassignment interrupted half-way is completed by sending it again.
   */
  async replaceRules(caller: CallerOrActor, input: { id: string; expectedVersion: number; rules: TerritoryRule[]; dryRun: boolean }): Promise<Reassignment> {
    const territories = this.repos.territories.in(caller);
    const current = await territories.get(input.id);
    if (input.expectedVersion && current.version !== input.expectedVersion) throw new VersionConflict("territory", input.id);
    const tree = await loadTerritoryTree(this.repos, caller);
    const rulesOf = (n: TerritoryNode) => (n._id === input.id ? input.rules : n.rules);

    const accountMoves: TerritoryMove[] = [];
    for await (const a of this.repos.accounts.in(caller).scan({})) {
      const move = this.moveOf("account", a, tree.place("account", placeable(a), rulesOf));
      if (move) accountMoves.push(move);
    }
    const leadMoves: TerritoryMove[] = [];
    for await (const l of this.repos.leads.in(caller).scan({})) {
      if (!leadMovable(l)) continue;
      const move = this.moveOf("lead", l, tree.place("lead", placeable(l), rulesOf));
      if (move) leadMoves.push(move);
    }

    let saved = current;
    if (!input.dryRun) {
      saved = await territories.update(input.id, input.expectedVersion, () => ({
        set: { rules: input.rules },
        events: (next, actor) => [territoryEvent("rules_replaced", next, actor)],
      }));
    }
    // A real run reports what it wrote: a record changed by someone else since the read is left alone and not listed.
    const movedAccounts: TerritoryMove[] = [];
    const opportunityMoves: TerritoryMove[] = [];
    for (const m of accountMoves) {
      if (!input.dryRun && !(await this.apply(caller, m))) continue;
      movedAccounts.push(m);
      if (m.fromOwner !== m.toOwner) opportunityMoves.push(...(await this.followAccountOwner(caller, m.id, m.toOwner, input.dryRun)));
    }
    const movedLeads: TerritoryMove[] = [];
    for (const m of leadMoves) if (input.dryRun || (await this.apply(caller, m))) movedLeads.push(m);
    return {
      territory: saved,
      dryRun: input.dryRun,
      moved: [...movedAccounts, ...movedLeads, ...opportunityMoves],
      counts: { accounts: movedAccounts.length, leads: movedLeads.length, opportunities: opportunityMoves.length },
    };
  }

  private moveOf(type: "account" | "lead", r: AccountRecord | LeadRecord, placed: TerritoryNode | undefined): TerritoryMove | undefined {
    if (!placed || placed.code === r.territory) return undefined;
    return { type, id: r._id, fromTerritory: r.territory ?? "", toTerritory: placed.code, fromOwner: r.ownerId, toOwner: ownerAfterPlacement(placed, r.ownerId) };
  }

  /** Writes a move decided on a read unless the record has moved on since (then it is left as it is); says whether it wrote. */
  private async apply(caller: CallerOrActor, m: TerritoryMove): Promise<boolean> {
    const set = { territory: m.toTerritory, ...(m.toOwner !== m.fromOwner ? { ownerId: m.toOwner } : {}) };
    // Set on every attempt of the optimistic loop: the last one is what was written.
    let wrote = false;
    const unchanged = (r: { territory: string; ownerId: string }) => (wrote = r.territory === m.fromTerritory && r.ownerId === m.fromOwner);
    try {
      if (m.type === "account") {
        await this.repos.accounts.in(caller).update(m.id, 0, (r) => (unchanged(r) ? { set, events: (next, actor) => [accountEvent("updated", next, actor)] } : null));
      } else {
        await this.repos.leads.in(caller).update(
          m.id,
          0,
          (r) => ((wrote = unchanged(r) && leadMovable(r)) ? { set, events: (next, actor) => [leadEvent("updated", next, actor)] } : null),
          { guard: { conversion: { $exists: false } } },
        );
      }
      return wrote;
    } catch (err) {
      // Deleted or claimed for conversion since the read: not moved.
      if (err instanceof StateConflict || err instanceof NotFound) return false;
      throw err;
    }
  }
}

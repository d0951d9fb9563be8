import { decimalUnits, type Logger } from "@relata/platform";
import type { CallContext } from "@relata/platform";
import { addFigures, categoryOf, count, emptyFigures, figuresOut, inPeriod, rollUp, type Figures, type FiguresOut, type ForecastOpportunity } from "../domain/forecast";
import type { OpportunityRecord } from "../domain/types";
import type { Pipelines } from "../store/pipelines";
import type { SalesRepositories } from "../store/repositories";
import { loadTerritoryTree } from "../store/territories";

/** A quota as Reporting keeps it (reporting.v1.Quota). */
export interface QuotaRow {
  ownerId: string;
  territory: string;
  period: string;
  amount?: { amount: string; currency: string };
}

/** Reporting's quotas of a period; undefined when Reporting did not answer in time. */
export interface QuotaReader {
  list(ctx: CallContext, period: string): Promise<QuotaRow[] | undefined>;
}

export interface ForecastQuery {
  period: string;
  range: { from: string; to: string };
  groupBy: "owner" | "territory";
  territoryId: string;
  ownerId: string;
  currency: string;
}

export interface ForecastGroupOut {
  kind: "owner" | "territory" | "unassigned";
  ownerId: string;
  territoryId: string;
  code: string;
  name: string;
  parentId: string;
  depth: number;
  own: FiguresOut;
  rolledUp: FiguresOut;
}

export interface ForecastOut {
  quotasAvailable: boolean;
  total: FiguresOut;
  groups: ForecastGroupOut[];
  otherCurrencyCount: number;
}

/** The forecast of a period from Sales' own opportunities and Reporting's quotas (docs/territories.md). */
export class Forecaster {
  constructor(
    private readonly repos: SalesRepositories,
    private readonly pipelines: Pipelines,
    private readonly quotas: QuotaReader,
    private readonly logger: Logger,
  ) {}

  async forecast(ctx: CallContext, q: ForecastQuery): Promise<ForecastOut> {
    // Reporting is asked while Sales reads its own records.
    const quotasAsked = this.quotas.list(ctx, q.period).catch((err: unknown) => {
      this.logger.warn({ err: String(err) }, "Reporting's quotas could not be read; the forecast goes without them");
      return undefined;
    });
    const [{ stages }, tree] = await Promise.all([this.pipelines.current(ctx), loadTerritoryTree(this.repos, ctx)]);

    // Equality filters only (FerretDB pushes them down); the period is checked here.
    const opportunities = this.repos.opportunities.in(ctx);
    const counted: ForecastOpportunity[] = [];
    let otherCurrencyCount = 0;
    for (const status of ["open", "won"] as const) {
      for await (const o of opportunities.scan({ status, ownerId: q.ownerId })) {
        const opp = o as OpportunityRecord;
        if (!inPeriod(opp.expectedCloseDate ?? "", q.range) || !opp.amount) continue;
        if (opp.amount.currency !== q.currency) {
          otherCurrencyCount++;
          continue;
        }
        counted.push({ ownerId: opp.ownerId, accountId: opp.accountId, stageId: opp.stageId, status: opp.status, probability: opp.probability, amount: opp.amount, expectedCloseDate: opp.expectedCloseDate ?? "" });
      }
    }

    const quotaRows = await quotasAsked;
    const quotaOf = (key: (r: QuotaRow) => string, value: string): bigint | undefined => {
      const row = quotaRows?.find((r) => r.period === q.period && r.amount?.currency === q.currency && key(r) === value);
      return row?.amount ? decimalUnits(row.amount.amount) : undefined;
    };
    const sumQuotas = (quotas: (bigint | undefined)[]): bigint | undefined => {
      const known = quotas.filter((x): x is bigint => x !== undefined);
      return known.length ? known.reduce((a, b) => a + b, 0n) : undefined;
    };

    const groups: ForecastGroupOut[] = [];
    const total = emptyFigures();
    let totalQuota: bigint | undefined;

    if (q.groupBy === "territory") {
      const accountTerritory = new Map<string, string>();
      const accounts = await this.repos.accounts.in(ctx).findByValues("_id", counted.map((o) => o.accountId));
      for (const [id, [a]] of accounts) accountTerritory.set(id, a?.territory ?? "");
      const scope = q.territoryId ? tree.subtree(q.territoryId) : new Set(tree.byId.keys());
      const own = new Map<string, Figures>();
      const unassigned = emptyFigures();
      for (const o of counted) {
        const node = tree.byCode.get(accountTerritory.get(o.accountId) ?? "");
        let into: Figures;
        if (node && scope.has(node._id)) into = own.get(node._id) ?? own.set(node._id, emptyFigures()).get(node._id)!;
        else if (!node && !q.territoryId) into = unassigned;
        else continue;
        count(into, o, categoryOf(o, stages));
      }
      const rolled = rollUp(tree, own, scope);
      const roots: (bigint | undefined)[] = [];
      for (const t of rolled) {
        const quota = quotaOf((r) => (r.ownerId ? "" : r.territory), t.code);
        if (!t.parentId || !scope.has(t.parentId)) {
          roots.push(quota);
          addFigures(total, t.rolledUp);
        }
        groups.push({ kind: "territory", ownerId: "", territoryId: t.id, code: t.code, name: t.name, parentId: t.parentId, depth: t.depth, own: figuresOut(t.own), rolledUp: figuresOut(t.rolledUp, quota) });
      }
      if (!q.territoryId) {
        addFigures(total, unassigned);
        groups.push({ kind: "unassigned", ownerId: "", territoryId: "", code: "", name: "unassigned", parentId: "", depth: 0, own: figuresOut(unassigned), rolledUp: figuresOut(unassigned) });
      }
      totalQuota = sumQuotas(roots);
    } else {
      let inScope = counted;
      if (q.territoryId) {
        const scope = tree.subtree(q.territoryId);
        const codes = new Set([...scope].map((id) => tree.byId.get(id)?.code ?? ""));
        const accounts = await this.repos.accounts.in(ctx).findByValues("_id", counted.map((o) => o.accountId));
        inScope = counted.filter((o) => codes.has(accounts.get(o.accountId)?.[0]?.territory ?? "\u0000"));
      }
      const byOwner = new Map<string, Figures>();
      for (const o of inScope) count(byOwner.get(o.ownerId) ?? byOwner.set(o.ownerId, emptyFigures()).get(o.ownerId)!, o, categoryOf(o, stages));
      // Owners with a quota in the period show too, with no opportunities.
      if (!q.territoryId) {
        for (const r of quotaRows ?? []) {
          if (r.ownerId && r.period === q.period && r.amount?.currency === q.currency && (!q.ownerId || r.ownerId === q.ownerId) && !byOwner.has(r.ownerId)) byOwner.set(r.ownerId, emptyFigures());
        }
      }
      const quotas: (bigint | undefined)[] = [];
      for (const ownerId of [...byOwner.keys()].sort()) {
        const f = byOwner.get(ownerId)!;
        const quota = quotaOf((r) => r.ownerId, ownerId);
        quotas.push(quota);
        addFigures(total, f);
        groups.push({ kind: "owner", ownerId, territoryId: "", code: "", name: "", parentId: "", depth: 0, own: figuresOut(f, quota), rolledUp: figuresOut(f, quota) });
      }
      totalQuota = sumQuotas(quotas);
    }
    return { quotasAvailable: quotaRows !== undefined, total: figuresOut(total, totalQuota), groups, otherCurrencyCount };
  }
}

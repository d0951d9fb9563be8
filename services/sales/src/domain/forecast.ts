import { decimalRatio, decimalUnits, formatDecimal } from "@relata/platform";
import { forecastCategoryOf } from "./pipeline";
import type { TerritoryTree } from "./territory";
import type { ForecastCategory, Money, PipelineStage } from "./types";

/**
 * The forecast's arithmetic (docs/territories.md): per stage category sums of the opportunities
 * whose expected close date falls in the period, the weighted amount, the roll-up of a
 * territory's figures with its descendants', and quota, attainment and gap. Exact decimals:
 * amounts in ten-thousandths (bigint), never floats.
 */

export interface ForecastOpportunity {
  ownerId: string;
  accountId: string;
  stageId: string;
  status: "open" | "won" | "lost";
  probability: number;
  amount?: Money;
  expectedCloseDate: string;
}

/** Sums in ten-thousandths; `weightedPercent` is Σ amount × probability (percent), so exact. */
export interface Figures {
  pipeline: bigint;
  bestCase: bigint;
  commit: bigint;
  closed: bigint;
  weightedPercent: bigint;
  count: number;
}

export const emptyFigures = (): Figures => ({ pipeline: 0n, bestCase: 0n, commit: 0n, closed: 0n, weightedPercent: 0n, count: 0 });

export function addFigures(into: Figures, f: Figures): Figures {
  into.pipeline += f.pipeline;
  into.bestCase += f.bestCase;
  into.commit += f.commit;
  into.closed += f.closed;
  into.weightedPercent += f.weightedPercent;
  into.count += f.count;
  return into;
}

/**
 * The category an opportunity counts in: won → closed; lost → omitted; open → its stage's
 * category (a stage the pipeline no longer has: the default for an open stage of the
 * opportunity's probability).
 */
export function categoryOf(o: Pick<ForecastOpportunity, "status" | "stageId" | "probability">, stages: readonly PipelineStage[]): ForecastCategory {
  if (o.status === "won") return "closed";
  if (o.status === "lost") return "omitted";
  const stage = stages.find((s) => s.id === o.stageId);
  const category = forecastCategoryOf(stage ?? { kind: "open", probability: o.probability });
  // An open opportunity in a stage since made the won one is still open: it is not closed.
  return category === "closed" ? "commit" : category;
}

/**
 * Adds one opportunity (already known to be in the period and the currency). Open ones add to
 * their category and to the weighted amount (amount × probability); won ones to closed only;
 * omitted ones to nothing.
 */
export function count(into: Figures, o: ForecastOpportunity, category: ForecastCategory): void {
  if (category === "omitted" || !o.amount) return;
  const units = decimalUnits(o.amount.amount);
  into.count++;
  if (category === "closed") {
    into.closed += units;
    return;
  }
  if (category === "pipeline") into.pipeline += units;
  else if (category === "best_case") into.bestCase += units;
  else into.commit += units;
  into.weightedPercent += units * BigInt(o.probability);
}

/** Whether a YYYY-MM-DD day falls in from..to (both included). */
export const inPeriod = (day: string, range: { from: string; to: string }) => Boolean(day) && day >= range.from && day <= range.to;

export interface FiguresOut {
  pipeline: string;
  bestCase: string;
  commit: string;
  closed: string;
  /** Four decimals: exact for amounts of up to two decimals (half away from zero beyond). */
  weighted: string;
  opportunities: number;
  /** "" when there is no quota (or Reporting did not answer). */
  quota: string;
  /** closed / quota with four decimals ("0.7500"). */
  attainment: string;
  /** quota − closed (negative when the quota is exceeded). */
  gap: string;
}

/** `n / 100` rounded half away from zero. */
function hundredth(n: bigint): bigint {
  const abs = n < 0n ? -n : n;
  const q = (2n * abs + 100n) / 200n;
  return n < 0n ? -q : q;
}

export function figuresOut(f: Figures, quota?: bigint): FiguresOut {
  return {
    pipeline: formatDecimal(f.pipeline),
    bestCase: formatDecimal(f.bestCase),
    commit: formatDecimal(f.commit),
    closed: formatDecimal(f.closed),
    weighted: formatDecimal(hundredth(f.weightedPercent), 4),
    opportunities: f.count,
    quota: quota === undefined ? "" : formatDecimal(quota),
    attainment: quota === undefined ? "" : decimalRatio(f.closed, quota),
    gap: quota === undefined ? "" : formatDecimal(quota - f.closed),
  };
}

export interface TerritoryFigures {
  id: string;
  code: string;
  name: string;
  parentId: string;
  depth: number;
  own: Figures;
  rolledUp: Figures;
}

/**
 * Each territory of `scope` (ids) with its own figures and its rolled-up ones (itself and all its
 * descendants), depth first from the top, children by code.
 */
export function rollUp(tree: TerritoryTree, own: ReadonlyMap<string, Figures>, scope: ReadonlySet<string>): TerritoryFigures[] {
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  for (const id of scope) {
    const node = tree.byId.get(id)!;
    if (node.parentId && scope.has(node.parentId)) {
      const list = children.get(node.parentId) ?? [];
      list.push(id);
      children.set(node.parentId, list);
    } else roots.push(id);
  }
  const byCode = (a: string, b: string) => (tree.byId.get(a)!.code < tree.byId.get(b)!.code ? -1 : 1);
  const out: TerritoryFigures[] = [];
  const visit = (id: string): Figures => {
    const node = tree.byId.get(id)!;
    const entry: TerritoryFigures = { id, code: node.code, name: node.name, parentId: node.parentId, depth: tree.depth(id), own: own.get(id) ?? emptyFigures(), rolledUp: emptyFigures() };
    out.push(entry);
    addFigures(entry.rolledUp, entry.own);
    for (const child of (children.get(id) ?? []).sort(byCode)) addFigures(entry.rolledUp, visit(child));
    return entry.rolledUp;
  };
  for (const root of roots.sort(byCode)) visit(root);
  return out;
}

import { decimalRatio } from "@relata/platform";
import type { CompetitorFigures } from "@relata/proto/reporting/v1/dashboards";

/** One competitor's counts and amounts as the store sums them (./sales competitorQuery). */
export interface CompetitorCounts {
  competitorId: string;
  name: string;
  deleted: boolean;
  met: number;
  won: number;
  lostTo: number;
  lostToOther: number;
  lostUnknown: number;
  wonAmount: string;
  lostToAmount: string;
}

/**
 * A competitor's row: win rate = won / met, where met counts every closed deal the competitor was
 * in (won, lost to it, lost to another, lost naming none), as an exact decimal fraction with 4
 * places (half away from zero), "" when it met nothing.
 */
export function competitorFigures(c: CompetitorCounts): CompetitorFigures {
  return {
    competitorId: c.competitorId,
    name: c.name,
    deleted: c.deleted,
    met: String(c.met),
    won: String(c.won),
    lostTo: String(c.lostTo),
    lostToOther: String(c.lostToOther),
    lostUnknown: String(c.lostUnknown),
    winRate: decimalRatio(BigInt(c.won), BigInt(c.met), 4),
    wonAmount: c.wonAmount,
    lostToAmount: c.lostToAmount,
  };
}

import type { BaseRecord } from "@relata/platform";
import { InvalidArgument } from "@relata/platform";
import type { scoringAttribute, scoringOperator, scoringRuleKind } from "../resources";
import type { ResponseTypeWord } from "./response";

export type ScoringRuleKindWord = (typeof scoringRuleKind.words)[number];
export type ScoringAttributeWord = (typeof scoringAttribute.words)[number];
export type ScoringOperatorWord = (typeof scoringOperator.words)[number];

/** A rule of the tenant's lead scoring (see docs/marketing.md#lead-scoring). */
export interface ScoringRuleRecord extends BaseRecord {
  name: string;
  kind: ScoringRuleKindWord;
  /** Attribute rules: the lead attribute, the test and its values. */
  attribute?: ScoringAttributeWord | "";
  operator?: ScoringOperatorWord | "";
  values: string[];
  /** Behaviour rules: the response type, and the half-life of its points in days (0: no decay). */
  responseType?: ResponseTypeWord | "";
  points: number;
  halfLifeDays: number;
}

/** The lead attributes attribute rules test, as Marketing copies them from Sales' lead events. */
export type LeadAttributes = Record<ScoringAttributeWord, string>;

/** A response that counts for a lead's behaviour: its type and when it happened. */
export interface ScoredBehaviour {
  responseId: string;
  type: ResponseTypeWord;
  occurredAt: Date;
}

/**
 * What a rule's kind needs: an attribute rule an attribute, an operator and its values (one for
 * "equals" and "contains"); a behaviour rule a response type other than "unsubscribed". The
 * other kind's fields are kept as given and have no effect.
 */
export function assertRuleShape(rule: Pick<ScoringRuleRecord, "kind" | "attribute" | "operator" | "values" | "responseType">): void {
  if (rule.kind === "attribute") {
    if (!rule.attribute) throw new InvalidArgument("attribute", "attribute is required for an attribute rule");
    if (!rule.operator) throw new InvalidArgument("operator", "operator is required for an attribute rule");
    if (rule.values.length === 0) throw new InvalidArgument("values", "values needs at least one value for an attribute rule");
    if (rule.operator !== "in" && rule.values.length > 1) throw new InvalidArgument("values", `values holds one value for the operator "${rule.operator}" ("in" takes several)`);
    return;
  }
  if (!rule.responseType) throw new InvalidArgument("response_type", "response_type is required for a behaviour rule");
  if (rule.responseType === "unsubscribed") throw new InvalidArgument("response_type", 'response_type "unsubscribed" is not a behaviour scores count');
}

/** Whether a lead attribute meets an attribute rule (letter case and surrounding spaces aside). */
export function attributeMatches(rule: ScoringRuleRecord, attributes: LeadAttributes): boolean {
  if (!rule.attribute || !rule.operator) return false;
  const value = (attributes[rule.attribute] ?? "").trim().toLowerCase();
  if (!value) return false;
  const wanted = rule.values.map((v) => v.trim().toLowerCase());
  if (rule.operator === "contains") return wanted.some((w) => value.includes(w));
  return wanted.includes(value);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A behaviour's points after decay: points × 0.5^(age / half-life); a half-life of 0 never fades. */
export function decayedPoints(points: number, halfLifeDays: number, occurredAt: Date, now: Date): number {
  if (halfLifeDays <= 0) return points;
  const ageDays = Math.max(0, now.getTime() - occurredAt.getTime()) / DAY_MS;
  return points * Math.pow(0.5, ageDays / halfLifeDays);
}

/**
 * A lead's score now: every matching attribute rule's points once, plus each behaviour rule's
 * decayed points for each response of its type; rounded and clamped to 0..100 (Sales' range).
 */
export function leadScore(rules: readonly ScoringRuleRecord[], attributes: LeadAttributes, behaviours: readonly ScoredBehaviour[], now: Date): number {
  let total = 0;
  for (const rule of rules) {
    if (rule.kind === "attribute") {
      if (attributeMatches(rule, attributes)) total += rule.points;
      continue;
    }
    for (const b of behaviours) if (b.type === rule.responseType) total += decayedPoints(rule.points, rule.halfLifeDays, b.occurredAt, now);
  }
  return Math.min(100, Math.max(0, Math.round(total)));
}

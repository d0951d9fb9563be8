import type { SqlValue } from "@relata/platform/projection";
import { AUDIENCE_ATTRIBUTES, instantOf, type AudienceField, type SegmentConditionValue, type SegmentMatchWord } from "../domain/segment-catalogue";

/** A piece of SQL and the values bound to its `?`, in order. */
export interface SqlPart {
  sql: string;
  params: SqlValue[];
}

/**
 * One checked condition as SQL over the `audience` view. Column names come from the catalogue
 * only; every value is bound. Text compares without regard to case.
 */
export function conditionSql(condition: SegmentConditionValue): SqlPart {
  const attribute = AUDIENCE_ATTRIBUTES[condition.field as AudienceField];
  if (!attribute) throw new Error(`not an attribute of the audience: ${condition.field}`);
  const column = attribute.column;
  const value = condition.value;
  const text = attribute.kind === "text";
  const subject = text ? `lower(${column})` : column;
  const bound = (v: unknown): SqlValue => (attribute.kind === "time" ? instantOf(String(v)).toISOString() : text ? String(v).toLowerCase() : (v as SqlValue));
  const cast = attribute.kind === "time" ? "::TIMESTAMPTZ" : "";
  switch (condition.operator) {
    case "equals":
      return { sql: `${subject} = ?${cast}`, params: [bound(value)] };
    case "not_equals":
      // Someone without the value is "not equal" to it.
      return { sql: `(${column} IS NULL OR ${subject} <> ?${cast})`, params: [bound(value)] };
    case "in": {
      const items = value as unknown[];
      return { sql: `${subject} IN (${items.map(() => "?").join(", ")})`, params: items.map(bound) };
    }
    case "contains":
      return { sql: `contains(${subject}, ?)`, params: [bound(value)] };
    case "greater":
      return { sql: `${column} > ?${cast}`, params: [bound(value)] };
    case "less":
      return { sql: `${column} < ?${cast}`, params: [bound(value)] };
    case "between": {
      const [from, to] = value as [unknown, unknown];
      return { sql: `${column} BETWEEN ?${cast} AND ?${cast}`, params: [bound(from), bound(to)] };
    }
    case "exists":
      return { sql: `${column} IS NOT NULL`, params: [] };
    case "not_exists":
      return { sql: `${column} IS NULL`, params: [] };
    default:
      throw new Error(`not an operator: ${condition.operator}`);
  }
}

/** Whom a segment's rules select. No condition selects the whole audience (with either match). */
export interface SegmentRules {
  match: SegmentMatchWord;
  conditions: readonly SegmentConditionValue[];
}

/** The rules as one boolean SQL expression. */
export function rulesSql(rules: SegmentRules): SqlPart {
  if (rules.conditions.length === 0) return { sql: "TRUE", params: [] };
  const parts = rules.conditions.map(conditionSql);
  return { sql: `(${parts.map((p) => p.sql).join(rules.match === "any" ? " OR " : " AND ")})`, params: parts.flatMap((p) => p.params) };
}

/** Several segments' rules: a person in any of them. */
export function anyOfSql(segments: readonly SegmentRules[]): SqlPart {
  if (segments.length === 0) return { sql: "FALSE", params: [] };
  const parts = segments.map(rulesSql);
  return { sql: `(${parts.map((p) => p.sql).join(" OR ")})`, params: parts.flatMap((p) => p.params) };
}

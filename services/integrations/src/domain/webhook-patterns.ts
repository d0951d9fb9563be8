/**
 * Event type patterns as NATS subjects have them: words separated by ".", "*" standing for one
 * word, a final ">" for one or more.
 */
export function matchesEventType(pattern: string, type: string): boolean {
  const p = pattern.split(".");
  const t = type.split(".");
  for (let i = 0; i < p.length; i++) {
    const word = p[i]!;
    if (word === ">") return i === p.length - 1 && t.length > i;
    if (i >= t.length) return false;
    if (word !== "*" && word !== t[i]) return false;
  }
  return p.length === t.length;
}

/** Whether any of a webhook's patterns matches the type. */
export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((pattern) => matchesEventType(pattern, type));
}

/** The index of the first pattern that matches none of the known types, or -1. */
export function firstUnmatchedPattern(patterns: readonly string[], known: readonly string[]): number {
  return patterns.findIndex((pattern) => !known.some((type) => matchesEventType(pattern, type)));
}

import { characterCount, InvalidArgument, MAX_TEXT } from "@relata/platform";

export const MAX_REPS = 500;

/** The rep a round-robin counter points at. */
export function pickRep(repIds: readonly string[], counter: number): string | undefined {
  if (repIds.length === 0) return undefined;
  const i = ((counter % repIds.length) + repIds.length) % repIds.length;
  return repIds[i];
}

/** The reps of an assignment rule: trimmed, non-empty, each once, in the order given. */
export function normaliseRepIds(repIds: readonly string[]): string[] {
  if (repIds.length > MAX_REPS) throw new InvalidArgument("rep_ids", `rep_ids: at most ${MAX_REPS} reps`);
  const out: string[] = [];
  repIds.forEach((raw, i) => {
    const id = raw.trim();
    if (!id) throw new InvalidArgument(`rep_ids.${i}`, `rep_ids.${i}: must not be empty`);
    if (characterCount(id) > MAX_TEXT) throw new InvalidArgument(`rep_ids.${i}`, `rep_ids.${i}: must be at most ${MAX_TEXT} characters`);
    if (out.includes(id)) throw new InvalidArgument(`rep_ids.${i}`, `rep_ids.${i}: "${id}" is listed twice`);
    out.push(id);
  });
  return out;
}

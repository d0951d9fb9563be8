import type { z } from "zod";
import type { ResponseSpec } from "./route";

/** Response descriptions shared by the routes (errors are added by the OpenAPI builder). */
export const ok = (schema: z.ZodType, description = "The record."): ResponseSpec => ({ description, schema, headers: ["ETag"] });
export const created = (schema: z.ZodType): ResponseSpec => ({
  description: "Created (or the first result of an earlier request with the same Idempotency-Key).",
  schema,
  headers: ["Location", "ETag"],
});
export const page = (schema: z.ZodType): ResponseSpec => ({ description: "One page.", schema, headers: ["Link"] });

/**
 * The media type to answer with, of those the operation offers (in its order of preference),
 * by the request's Accept header (RFC 9110 §12.5.1: q-values, type/* and *\/* ranges, the
 * most specific range deciding). No Accept header: the first offered. Undefined when the
 * client accepts none of them (the handler answers with its default, or refuses).
 */
export function preferredType(accept: string | undefined, offered: readonly string[]): string | undefined {
  if (accept === undefined || accept.trim() === "") return offered[0];
  const ranges = accept.split(",").flatMap((part) => {
    const [range, ...params] = part.split(";").map((p) => p.trim().toLowerCase());
    if (!range || !/^[^\s/]+\/[^\s/]+$/.test(range)) return [];
    const qParam = params.find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    return Number.isFinite(q) && q >= 0 && q <= 1 ? [{ range, q }] : [];
  });
  let best: { type: string; q: number } | undefined;
  for (const type of offered) {
    const essence = type.split(";")[0]!.trim().toLowerCase();
    const [major] = essence.split("/");
    // The most specific range that matches decides the type's quality.
    const match =
      ranges.find((r) => r.range === essence) ?? ranges.find((r) => r.range === `${major}/*`) ?? ranges.find((r) => r.range === "*/*");
    if (match && match.q > 0 && (!best || match.q > best.q)) best = { type, q: match.q };
  }
  return best?.type;
}

/**
 * A Content-Disposition offering the body as a download (RFC 6266): an ASCII `filename` for
 * old clients and the exact name as `filename*` (RFC 8187) when it has other characters.
 */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const exact = filename === ascii ? "" : `; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
  return `attachment; filename="${ascii}"${exact}`;
}

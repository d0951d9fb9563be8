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

import type { z } from "zod";
import { InvalidArgument } from "./errors";

/**
 * Validates input against a schema; the first problem becomes an InvalidArgument naming the
 * field by its path ("amount.currency"), which the gateway turns into problem details.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join(".") || "body";
  throw new InvalidArgument(field, `${field}: ${issue.message}`);
}

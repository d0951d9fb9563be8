import type { z } from "zod";

/**
 * What the comparison tests of the descriptions compare: the field a refusal names, or "ok".
 * The gateway's verdict is the path of zod's first issue (the key itself for an unknown key);
 * the service's is the `field` of the error it throws (proto names, snake_case).
 */
export function gatewayVerdict(schema: z.ZodType, body: unknown): string {
  const result = schema.safeParse(body);
  if (result.success) return "ok";
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") path.push(issue.keys[0]!);
  return path.join(".") || "body";
}

/** The field the error of `run` names, whatever the error's class; "ok" when it does not throw. */
export function verdict(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (err) {
    const field = (err as { field?: unknown }).field;
    if (typeof field === "string") return field;
    throw err;
  }
}

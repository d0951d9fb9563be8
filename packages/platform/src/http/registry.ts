import { z } from "zod";

/**
 * Named schemas: the same zod schemas validate requests and become the OpenAPI document's
 * components (z.toJSONSchema over this registry).
 */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

export function named<S extends z.ZodType>(id: string, schema: S, description?: string): S {
  apiSchemas.add(schema, description ? { id, description } : { id });
  return schema;
}

export function schemaId(schema: z.ZodType): string | undefined {
  return apiSchemas.get(schema)?.id;
}

import type { AnyField, AnyResource } from "@relata/platform/resource";

/**
 * Valid inputs for any described resource, derived from its description alone, so tests that
 * run over every resource (the conformance suite) need nothing written per resource. Values are
 * built from a caller's unique text, so records of one run never meet those of another.
 */

/** A JSON body for the API (a create or a PATCH). */
export type SampleBody = Record<string, unknown>;

/** A field that points at a record of another resource, writable on create. */
export interface Reference {
  /** The resource whose records point (`sales.contact`). */
  from: AnyResource;
  /** Its field (`accountId`). */
  field: string;
  /** The resource pointed at (`sales.account`). */
  to: AnyResource;
  required: boolean;
}

/** What a create body needs before it can be built: a live record of `resource` for `field`. */
export interface Prerequisite {
  field: string;
  resource: AnyResource;
}

/** A record the API created: its id is all a sample needs of it. */
export interface CreatedRecord {
  id: string;
}

/** Creates a record of `resource` with `body` through the API (the caller's client and token). */
export type CreateThroughApi<R extends CreatedRecord = CreatedRecord> = (resource: AnyResource, body: SampleBody) => Promise<R>;

function byName(resources: readonly AnyResource[], name: string): AnyResource {
  const found = resources.find((r) => r.name === name);
  if (!found) throw new Error(`no described resource is named ${name} (known: ${resources.map((r) => r.name).join(", ")})`);
  return found;
}

const fieldsOf = (r: AnyResource) => Object.entries(r.fields) as [string, AnyField][];

/** Every `ref` field writable on create, with the resource it points at. */
export function references(resources: readonly AnyResource[]): Reference[] {
  return resources.flatMap((from) =>
    fieldsOf(from)
      .filter(([, field]) => field.codec.kind === "ref" && field.rules.create && field.rules.references)
      .map(([key, field]) => ({ from, field: key, to: byName(resources, field.rules.references!), required: field.rules.required })),
  );
}

/** The resources a `recordRef` field may point at: its targets, or any described resource. */
function recordRefTypes(resources: readonly AnyResource[], field: AnyField): readonly string[] {
  return field.rules.targets ?? resources.map((r) => r.name);
}

/** How many records a create of `r` makes first (itself included), through its required references. */
function cost(resources: readonly AnyResource[], r: AnyResource, seen: ReadonlySet<string> = new Set()): number {
  if (seen.has(r.name)) throw new Error(`the required references of ${r.name} form a cycle`);
  const next = new Set(seen).add(r.name);
  return 1 + prerequisites(resources, r, next).reduce((sum, p) => sum + cost(resources, p.resource, next), 0);
}

/**
 * The record a required `recordRef` field points at: the cheapest resource its types name,
 * never the resource itself (an activity is not linked to another activity).
 */
export function recordRefTarget(resources: readonly AnyResource[], r: AnyResource, field: AnyField, seen: ReadonlySet<string> = new Set([r.name])): { type: string; resource: AnyResource } {
  const candidates = recordRefTypes(resources, field)
    .map((type) => ({ type, resource: resources.find((x) => x.name === type) }))
    .filter((c): c is { type: string; resource: AnyResource } => c.resource !== undefined && !seen.has(c.resource.name));
  if (candidates.length === 0) throw new Error(`${r.name}: no described resource for its record reference to point at`);
  return candidates.map((c) => ({ ...c, cost: cost(resources, c.resource, seen) })).sort((a, b) => a.cost - b.cost)[0]!;
}

/** The records a create of `r` needs first: one per required `ref` or `recordRef` field, unless `given`. */
export function prerequisites(resources: readonly AnyResource[], r: AnyResource, seen: ReadonlySet<string> = new Set([r.name]), given: readonly string[] = []): Prerequisite[] {
  return fieldsOf(r)
    .filter(([key, field]) => field.rules.create && field.rules.required && !given.includes(key))
    .flatMap(([key, field]): Prerequisite[] => {
      if (field.codec.kind === "ref") return [{ field: key, resource: byName(resources, field.rules.references!) }];
      if (field.codec.kind === "recordRef") return [{ field: key, resource: recordRefTarget(resources, r, field, seen).resource }];
      return [];
    });
}

/** The last `max` characters: the unique end of a value survives a short limit. */
const fit = (value: string, max: number | undefined) => (max !== undefined && value.length > max ? value.slice(value.length - max) : value);

/** The longest value a string schema allows, if it says. */
function maxLength(field: AnyField): number | undefined {
  const max = (field.codec.input as unknown as { maxLength?: number | null }).maxLength;
  return typeof max === "number" ? max : undefined;
}

/** A small number from text, so two seeds give two values. */
function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/**
 * A value of a field's kind within its limits, distinct per `unique`; undefined when the kind
 * has no value of its own (a reference, an owner, a value only the service writes).
 */
export function sampleValue(key: string, field: AnyField, unique: string): unknown {
  const token = unique.replace(/[^A-Za-z0-9]/g, "").toLowerCase() || "x";
  const n = hash(`${key} ${unique}`);
  let value: unknown;
  switch (field.codec.kind) {
    case "text":
      value = fit(`${key} ${unique}`, maxLength(field));
      // A text with a pattern and no example (a code of letters, digits and dashes) still gets a value of its own.
      if (!field.codec.input.safeParse(value).success && field.rules.example === undefined) value = fit(`${key}-${token}`, maxLength(field));
      break;
    case "email":
      value = `${fit(`${key}.${token}`, 60)}@example.test`;
      break;
    case "phone":
      value = `+1 555 ${String(n % 10_000).padStart(4, "0")}`;
      break;
    case "httpUrl":
      value = fit(`https://example.test/${token}`, maxLength(field));
      break;
    case "date":
      value = `2031-${String((n % 12) + 1).padStart(2, "0")}-${String((n % 28) + 1).padStart(2, "0")}`;
      break;
    case "timestamp":
      value = `2031-05-17T${String(n % 24).padStart(2, "0")}:${String(n % 60).padStart(2, "0")}:00.000Z`;
      break;
    case "money":
      value = { amount: `${(n % 100_000) + 1}.50`, currency: "EUR" };
      break;
    case "enum": {
      // The first value in proto order: the one a new record starts with (a manual lead, a task).
      const words = (field.codec.input as unknown as { options?: unknown }).options;
      value = Array.isArray(words) ? words[0] : undefined;
      break;
    }
    case "int": {
      const bounds = field.codec.input as unknown as { minValue?: number | null; maxValue?: number | null };
      const min = Number.isFinite(bounds.minValue) ? bounds.minValue! : 0;
      const max = Number.isFinite(bounds.maxValue) ? bounds.maxValue! : min + 100;
      value = min + (n % (max - min + 1));
      break;
    }
    case "boolean":
      value = n % 2 === 0;
      break;
    default:
      value = undefined;
  }
  if (value !== undefined && field.codec.input.safeParse(value).success) return value;
  // A kind without a value of its own (a list), or with a rule the generic value misses (a
  // text with a pattern), takes the description's example, if it gives one.
  const example = field.rules.example;
  return example !== undefined && field.codec.input.safeParse(example).success ? example : undefined;
}

/**
 * A valid create body of `r`: a value for every creatable field whose kind has one, except
 * those the service fills in (owner, a defaulted value) and optional references; each required
 * reference takes `idOf(field)`, the id of a live record of the resource it points at.
 */
export function sampleCreateBody(resources: readonly AnyResource[], r: AnyResource, unique: string, idOf: (field: string) => string): SampleBody {
  const body: SampleBody = {};
  let instants = 0;
  for (const [key, field] of fieldsOf(r)) {
    if (!field.rules.create) continue;
    if (field.codec.kind === "ref") {
      if (field.rules.required) body[key] = idOf(key);
      continue;
    }
    if (field.codec.kind === "recordRef") {
      if (field.rules.required) body[key] = { type: recordRefTarget(resources, r, field).type, id: idOf(key) };
      continue;
    }
    // The service's own default: not nullable, yet optional on create.
    const defaulted = !field.rules.required && !field.rules.nullable && field.codec.kind !== "int" && field.codec.kind !== "boolean";
    if (field.codec.kind === "owner" || defaulted) continue;
    let value = sampleValue(key, field, unique);
    // Instants a day apart in the description's order, so that one declared after another
    // (a campaign's end after its start) is later whatever the hash gave each.
    if (field.codec.kind === "timestamp" && typeof value === "string") value = `2031-05-${String(17 + instants++).padStart(2, "0")}${value.slice(10)}`;
    if (value !== undefined) body[key] = value;
    else if (field.rules.required) throw new Error(`${r.name}.${key}: no sample value for a required ${field.codec.kind} field`);
  }
  return body;
}

/**
 * A valid PATCH body of `r`: one updatable field, text-like kinds first, with a value built
 * from `unique` (give another `unique` than the create's, and the value changes).
 */
export function sampleUpdateBody(r: AnyResource, unique: string): SampleBody {
  const preference = ["text", "email", "phone", "httpUrl", "date", "timestamp", "money", "int", "boolean"];
  const candidates = fieldsOf(r)
    .filter(([, field]) => field.rules.update && preference.includes(field.codec.kind))
    .sort(([, a], [, b]) => preference.indexOf(a.codec.kind) - preference.indexOf(b.codec.kind));
  for (const [key, field] of candidates) {
    const value = sampleValue(key, field, unique);
    if (value !== undefined) return { [key]: value };
  }
  throw new Error(`${r.name}: no updatable field with a sample value`);
}

/**
 * Creates a record of `r` through the API with a sample body, creating first (recursively) a
 * record for each required reference not given in `overrides`; returns the record and its body.
 */
export async function createSample<R extends CreatedRecord>(
  resources: readonly AnyResource[],
  r: AnyResource,
  unique: string,
  create: CreateThroughApi<R>,
  overrides: SampleBody = {},
): Promise<{ record: R; body: SampleBody }> {
  const ids: Record<string, string> = {};
  const needed = prerequisites(resources, r, new Set([r.name]), Object.keys(overrides));
  for (const { field, resource } of needed) {
    ids[field] = (await createSample(resources, resource, `${unique}-${field}`, create)).record.id;
  }
  const body = { ...sampleCreateBody(resources, r, unique, (field) => ids[field] ?? String(overrides[field] ?? "")), ...overrides };
  return { record: await create(r, body), body };
}

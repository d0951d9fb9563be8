import { BACKENDS } from "@relata/gateway/dist/backends";
import type { AnyResource } from "@relata/platform/resource";
import { createSample, demoUsername, ROLES, type SampleBody, type Tenant, type TenantRole } from "@relata/testing";
import { as, call, runId, type ApiResponse } from "./api";

/**
 * The described resources of every backend the gateway serves, and what the conformance suite
 * does with them through the real gateway: create samples, read, list, change.
 */

/** Every described CRUD resource of every backend (a new service's come with its entry). */
export const describedResources: readonly AnyResource[] = BACKENDS.flatMap((b) => b.resources);

/** The first role a tenant's people hold that may write the resource (its description's `access.write`). */
export function writerRole(r: AnyResource): TenantRole {
  const role = r.access.write.find((x) => x !== "platform-admin" && (ROLES as readonly string[]).includes(x));
  if (!role) throw new Error(`no tenant role may write ${r.name}`);
  return role as TenantRole;
}

/** The token of the tenant's demo user holding the resource's writer role. */
export const writerOf = (r: AnyResource, tenant: Tenant) => as(demoUsername(tenant, writerRole(r)));

let samples = 0;
/** A unique text per sample of this run. */
export const uniqueText = () => `cf${runId}-${++samples}`;

/** A created record: the 201 response, its body and its path. */
export interface Created {
  res: ApiResponse;
  id: string;
  path: string;
  etag: string;
  body: SampleBody;
}

/** Creates a sample record of `r` (and, first, the records it must reference), asserting each 201. */
export async function createRecord(r: AnyResource, token: string, overrides: SampleBody = {}, headers: Record<string, string> = {}): Promise<Created> {
  const { record, body } = await createSample(
    describedResources,
    r,
    uniqueText(),
    async (resource, sample) => {
      const res = await call("POST", resource.path, { token, body: sample, headers: resource === r ? headers : {} });
      expect({ resource: resource.name, status: res.status, body: res.body }).toMatchObject({ resource: resource.name, status: 201 });
      return { id: res.body.id as string, res };
    },
    overrides,
  );
  return { res: record.res, id: record.id, path: `${r.path}/${record.id}`, etag: record.res.headers.get("etag")!, body };
}

/** A filter of `r` that the body's value makes unique to the record (text, email, a fresh ref). */
function uniqueFilter(r: AnyResource, body: SampleBody): [string, string] | undefined {
  for (const key of r.filters) {
    const kind = r.fields[key]!.codec.kind;
    if (["text", "email", "ref"].includes(kind) && typeof body[key] === "string") return [key, body[key] as string];
  }
  return undefined;
}

/**
 * The list query that would show the record: its unique filter where it has one, newest first,
 * a full page (the record was created moments ago, so it is on the first page of its tenant).
 */
export function listQueryFor(r: AnyResource, body: SampleBody): string {
  const query = new URLSearchParams({ limit: "200", sort: "-createdAt" });
  const filter = uniqueFilter(r, body);
  if (filter) query.set(filter[0], filter[1]);
  return `${r.path}?${query}`;
}

/** The ids of a list's first page, asserting the list answered 200. */
export async function listedIds(path: string, token: string): Promise<string[]> {
  const res = await call("GET", path, { token });
  expect({ path, status: res.status }).toEqual({ path, status: 200 });
  return (res.body.data as { id: string }[]).map((x) => x.id);
}

/** A text field of the body that names the sample alone (counts the records one body made). */
export function markerField(r: AnyResource, body: SampleBody): string {
  // A text that stays valid with " other" appended (not a code with a pattern), so that a changed body is still accepted.
  const key = Object.keys(body).find(
    (k) => r.fields[k]?.codec.kind === "text" && typeof body[k] === "string" && r.fields[k]!.codec.input.safeParse(`${body[k] as string} other`).success,
  );
  if (!key) throw new Error(`${r.name}: the sample has no text field to recognise it by`);
  return key;
}

/** The word a 409's `dependents` names a resource by: `sales.contact` → contact. */
export const kindWord = (r: AnyResource) => r.name.split(".")[1]!.replace(/_/g, " ");

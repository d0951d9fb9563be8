import { BACKENDS } from "@relata/gateway/dist/backends";
import { gatewaySchemas, type AnyResource } from "@relata/platform/resource";
import { createSample, prerequisites, references, sampleCreateBody, sampleUpdateBody, type SampleBody } from "../../src/resource-samples";

// Every described resource of every backend, as the conformance suite takes them.
const resources: readonly AnyResource[] = BACKENDS.flatMap((b) => b.resources);
const byName = (name: string) => resources.find((r) => r.name === name)!;

describe.each(resources.map((r) => [r.name, r] as const))("samples of %s", (_name, r) => {
  test("the create body is valid by the resource's own create schema, and carries every required field", () => {
    const body = sampleCreateBody(resources, r, "run1-1", (field) => `id-of-${field}`);
    expect(gatewaySchemas(r).create.safeParse(body)).toMatchObject({ success: true });
    for (const [key, field] of Object.entries(r.fields)) if (field.rules.required) expect(body).toHaveProperty(key);
  });

  test("the PATCH body is valid by the update schema, names one updatable field and differs per unique text", () => {
    const first = sampleUpdateBody(r, "run1-a");
    expect(gatewaySchemas(r).update.safeParse(first)).toMatchObject({ success: true });
    expect(Object.keys(first)).toHaveLength(1);
    expect(r.fields[Object.keys(first)[0]!]!.rules.update).toBe(true);
    expect(sampleUpdateBody(r, "run1-b")).not.toEqual(first);
  });

  test("two unique texts give two create bodies", () => {
    const idOf = () => "some-id";
    expect(sampleCreateBody(resources, r, "run1-1", idOf)).not.toEqual(sampleCreateBody(resources, r, "run1-2", idOf));
  });
});

test("a code-like text with a pattern gets a value of its own per unique text, not the shared example", () => {
  const territory = byName("sales.territory");
  const first = sampleCreateBody(resources, territory, "run1-1", () => "some-id");
  expect(first.code).toMatch(/^code-run11/);
  expect(sampleCreateBody(resources, territory, "run1-2", () => "some-id").code).not.toBe(first.code);
});

describe("references and prerequisites", () => {
  test("Sales' ref fields writable on create are the ones its deletes check", () => {
    expect(references(resources).map((x) => `${x.to.name} <- ${x.from.name}.${x.field}`)).toEqual(expect.arrayContaining([
      "sales.account <- sales.account.parentAccountId",
      "sales.account <- sales.contact.accountId",
      "sales.account <- sales.opportunity.accountId",
      "sales.contact <- sales.opportunity.contactId",
    ]));
  });

  test("an opportunity needs an account; an activity a record it relates to, never another activity", () => {
    expect(prerequisites(resources, byName("sales.opportunity")).map((p) => [p.field, p.resource.name])).toEqual([["accountId", "sales.account"]]);
    expect(prerequisites(resources, byName("sales.activity")).map((p) => [p.field, p.resource.name])).toEqual([["relatedTo", "sales.account"]]);
    expect(prerequisites(resources, byName("sales.opportunity"), undefined, ["accountId"])).toEqual([]);
  });

  test("createSample creates the referenced records first and points at them; an override is used as given", async () => {
    const made: { resource: string; body: SampleBody; id: string }[] = [];
    const create = async (resource: AnyResource, body: SampleBody) => {
      const id = `${resource.name}-${made.length + 1}`;
      made.push({ resource: resource.name, body, id });
      return { id };
    };
    const { record, body } = await createSample(resources, byName("sales.activity"), "run1-9", create);
    expect(made.map((m) => m.resource)).toEqual(["sales.account", "sales.activity"]);
    expect(body.relatedTo).toEqual({ type: "sales.account", id: made[0]!.id });
    expect(record.id).toBe(made[1]!.id);

    made.length = 0;
    const { body: opportunity } = await createSample(resources, byName("sales.opportunity"), "run1-10", create, { accountId: "given-account" });
    expect(made.map((m) => m.resource)).toEqual(["sales.opportunity"]);
    expect(opportunity.accountId).toBe("given-account");
  });
});

import { InvalidArgument } from "@relata/platform";
import type { AudiencePerson, AudienceReader, AudienceTargets, ListMemberRecord } from "../../src/domain/types";
import { addListMembers, addSegmentToList, MEMBER_BATCH, type ListMemberStore } from "../../src/workflows/list-members";

const person = (personId: string): AudiencePerson => ({ personId, kind: "contact", firstName: "", lastName: personId, email: "", phone: "", ownerId: "", accountId: "" });

/** An audience of `known` people per tenant, whose segment "big" yields `segmentSize` people in batches of `batch`. */
function audienceOf(known: Record<string, string[]>, segmentSize = 0, batch = 700) {
  const asked: AudienceTargets[] = [];
  const reader: AudienceReader = {
    async people(tenantId, ids) {
      return ids.filter((id) => known[tenantId]?.includes(id)).map(person);
    },
    async *targets(_tenantId, targets) {
      asked.push(targets);
      for (let i = 0; i < segmentSize; i += batch) yield Array.from({ length: Math.min(batch, segmentSize - i) }, (_, j) => person(`p${i + j}`));
    },
  };
  return { reader, asked };
}

/** The collection's behaviour: unique `_id`, a duplicate left as it was. */
function memoryStore() {
  const docs = new Map<string, ListMemberRecord>();
  const writes: number[] = [];
  const store: ListMemberStore = {
    async insertNew(members) {
      writes.push(members.length);
      let added = 0;
      for (const m of members) if (!docs.has(m._id)) (docs.set(m._id, m), added++);
      return added;
    },
  };
  return { store, docs, writes };
}

test("people are added by id once; those already on the list are counted, ids named twice count once", async () => {
  const { reader } = audienceOf({ acme: ["a", "b", "c"] });
  const { store, docs } = memoryStore();
  expect(await addListMembers(reader, store, "acme", "list-1", ["a", "b"])).toEqual({ added: 2, alreadyMembers: 0 });
  expect(await addListMembers(reader, store, "acme", "list-1", ["b", "c", "c"])).toEqual({ added: 1, alreadyMembers: 1 });
  expect([...docs.keys()].sort()).toEqual(["acme/list-1:a", "acme/list-1:b", "acme/list-1:c"]);
});

test("an id the audience does not know (or another tenant's person) is refused naming person_ids, and nothing is added", async () => {
  const { reader } = audienceOf({ acme: ["a"], globex: ["g"] });
  const { store, docs } = memoryStore();
  let failure: unknown;
  try {
    await addListMembers(reader, store, "acme", "list-1", ["a", "g"]);
  } catch (err) {
    failure = err;
  }
  expect(failure).toBeInstanceOf(InvalidArgument);
  expect((failure as InvalidArgument).field).toBe("person_ids");
  expect((failure as InvalidArgument).message).toContain("g");
  expect(docs.size).toBe(0);
});

test("more than 1,000 ids in one call are refused", async () => {
  const { reader } = audienceOf({});
  await expect(addListMembers(reader, memoryStore().store, "acme", "l", Array.from({ length: 1_001 }, (_, i) => `p${i}`))).rejects.toMatchObject({ field: "person_ids" });
});

test("a segment's members are added batch by batch: never one write for the whole segment, never one per person", async () => {
  const { reader, asked } = audienceOf({}, 10_000, 2_500);
  const { store, docs, writes } = memoryStore();
  expect(await addSegmentToList(reader, store, "acme", "list-1", "big")).toEqual({ added: 10_000, alreadyMembers: 0 });
  expect(asked).toEqual([{ segmentIds: ["big"], listIds: [] }]);
  expect(docs.size).toBe(10_000);
  expect(Math.max(...writes)).toBe(MEMBER_BATCH);
  expect(writes).toHaveLength(12); // each batch of 2,500 in writes of 1,000, 1,000 and 500
  // Again: every one of them is a member already.
  expect(await addSegmentToList(reader, store, "acme", "list-1", "big")).toEqual({ added: 0, alreadyMembers: 10_000 });
});

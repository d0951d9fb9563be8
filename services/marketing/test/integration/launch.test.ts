import { connectMongo, createLogger, ensureIndexes, NO_PUBLISH, type Actor, type NewFields } from "@relata/platform";
import { localStack } from "@relata/testing";
import type { Connection } from "mongoose";
import type { AudiencePerson, AudienceReader, AudienceTargets, CampaignRecord, MarketingChannel } from "../../src/domain/types";
import { createModels, type MarketingModels } from "../../src/store/models";
import { marketingRepositories, type MarketingRepositories } from "../../src/store/repositories";
import { launchCampaign } from "../../src/workflows/launch";
import { dropDatabase, runId } from "./support";

// The launch workflow on real FerretDB, with an in-memory audience in place of the audience's
// projection (the AudienceReader port): members fixed in batches with consent and contact
// points per channel, the report, and a launch cut short that is run again.
jest.setTimeout(120_000);

const run = runId();
const database = `relata_marketing_test_launch_${run}`;
const tenantId = `acme-${run}`;
const actor: Actor = { tenantId, actorId: "mia", requestId: "" };

let db: Connection;
let models: MarketingModels;
let repos: MarketingRepositories;

beforeAll(async () => {
  db = await connectMongo(`${localStack.ferretdbUri}/${database}`, createLogger("launch-test", "silent"));
  models = createModels(db);
  await ensureIndexes(db);
  repos = marketingRepositories(models, NO_PUBLISH);
});

afterAll(async () => {
  await db?.close();
  await dropDatabase(database);
});

const person = (i: number, over: Partial<AudiencePerson> = {}): AudiencePerson => ({
  personId: `p${String(i).padStart(5, "0")}`,
  kind: "contact",
  firstName: `First${i}`,
  lastName: `Last${i}`,
  email: `p${i}@example.com`,
  phone: `+44 20 7946 ${String(i).padStart(4, "0")}`,
  ownerId: "rep",
  accountId: "a1",
  ...over,
});

/** The audience as a list in memory, given in pages of `page`; `failAfter` pages, it breaks (a crash mid-launch). */
function audienceOf(people: AudiencePerson[], page = 700, failAfter = Infinity): AudienceReader & { asked: AudienceTargets[] } {
  const asked: AudienceTargets[] = [];
  return {
    asked,
    async *targets(_tenant, targets) {
      asked.push(targets);
      for (let i = 0, n = 0; i < people.length; i += page, n++) {
        if (n >= failAfter) throw new Error("the audience went away");
        yield people.slice(i, i + page);
      }
    },
    people: (_tenant, ids) => Promise.resolve(people.filter((p) => ids.includes(p.personId))),
  };
}

async function draft(channels: MarketingChannel[], targets: Partial<AudienceTargets> = { segmentIds: ["s1"] }): Promise<CampaignRecord> {
  return repos.campaigns.in(actor).create({
    idempotencyKey: "",
    request: {},
    build: () => ({ name: "Launch", status: "draft", ownerId: "mia", channels, segmentIds: targets.segmentIds ?? [], listIds: targets.listIds ?? [] }) as unknown as NewFields<CampaignRecord>,
    events: () => [],
  });
}

async function withdraw(personId: string, channel: MarketingChannel) {
  await models.consents.create({ _id: `${tenantId}/${personId}:${channel}`, tenantId, personId, channel, status: "withdrawn", source: "test", at: new Date(), updatedAt: new Date() });
}

const membersOf = (campaignId: string) => models.campaignMembers.find({ tenantId, campaignId }).sort({ _id: 1 }).lean();

test("a launch fixes the members with the channels consent and contact points allow, and reports who was left out", async () => {
  const people = Array.from({ length: 2_500 }, (_, i) => person(i));
  people[3] = person(3, { email: "" });
  people[4] = person(4, { phone: "" });
  people[5] = person(5, { email: "", phone: "" });
  await withdraw(people[6]!.personId, "email");
  await withdraw(people[7]!.personId, "email");
  await withdraw(people[7]!.personId, "phone");
  await withdraw(people[2_400]!.personId, "phone"); // in the third batch
  const audience = audienceOf(people);
  const c = await draft(["email", "phone"], { segmentIds: ["s1"], listIds: ["l1"] });

  const launched = await launchCampaign({ repos, models, audience }, actor, c._id, { expectedVersion: c.version });

  expect(audience.asked).toEqual([{ segmentIds: ["s1"], listIds: ["l1"] }]);
  expect(launched.status).toBe("running");
  expect(launched.launchedAt).toBeInstanceOf(Date);
  expect(launched.launchReport).toEqual({
    members: 2_498,
    excluded: 2,
    consentWithdrawnEmail: 2,
    consentWithdrawnPhone: 2,
    consentWithdrawnSms: 0,
    consentWithdrawnPost: 0,
    noEmail: 2,
    noPhone: 2,
  });
  const members = await membersOf(c._id);
  expect(members).toHaveLength(2_498);
  const byPerson = new Map(members.map((m) => [m.personId, m]));
  expect(byPerson.get("p00000")).toMatchObject({ _id: `${tenantId}/${c._id}:p00000`, channels: ["email", "phone"], email: "p0@example.com", kind: "contact" });
  expect(byPerson.get("p00003")!.channels).toEqual(["phone"]);
  expect(byPerson.get("p00004")!.channels).toEqual(["email"]);
  expect(byPerson.has("p00005")).toBe(false);
  expect(byPerson.get("p00006")!.channels).toEqual(["phone"]);
  expect(byPerson.has("p00007")).toBe(false);
  expect(byPerson.get("p02400")!.channels).toEqual(["email"]);
});

test("a launch cut short is run again: no member twice, the same report", async () => {
  const people = Array.from({ length: 1_500 }, (_, i) => person(i));
  await withdraw(people[1_200]!.personId, "sms");
  const c = await draft(["sms", "post"]);

  // The audience breaks after its first page: the members of that page are written, the campaign stays a draft.
  await expect(launchCampaign({ repos, models, audience: audienceOf(people, 1_000, 1) }, actor, c._id)).rejects.toThrow("the audience went away");
  expect((await repos.campaigns.in(actor).get(c._id)).status).toBe("draft");
  expect(await membersOf(c._id)).toHaveLength(1_000);

  const launched = await launchCampaign({ repos, models, audience: audienceOf(people, 1_000) }, actor, c._id);
  expect(launched.launchReport).toMatchObject({ members: 1_500, excluded: 0, consentWithdrawnSms: 1 });
  const members = await membersOf(c._id);
  expect(members).toHaveLength(1_500);
  expect(members.find((m) => m.personId === "p01200")!.channels).toEqual(["post"]);

  // The clock's redelivery of the start: already running, nothing changes.
  const again = await launchCampaign({ repos, models, audience: audienceOf(people) }, actor, c._id, { byClock: true });
  expect(again.version).toBe(launched.version);
  // By hand it is a conflict naming the state.
  await expect(launchCampaign({ repos, models, audience: audienceOf(people) }, actor, c._id)).rejects.toThrow("cannot launch a campaign that is running");
});

test("a campaign without targets launches with no members and never asks the audience", async () => {
  const audience = audienceOf([person(1)]);
  const c = await draft(["email"], {});
  const launched = await launchCampaign({ repos, models, audience }, actor, c._id);
  expect(audience.asked).toEqual([]);
  expect(launched.launchReport).toMatchObject({ members: 0, excluded: 0 });
});

test("another tenant's campaign cannot be launched", async () => {
  const c = await draft(["email"], {});
  await expect(launchCampaign({ repos, models, audience: audienceOf([]) }, { ...actor, tenantId: `globex-${run}` }, c._id)).rejects.toThrow(/not found/);
  expect((await repos.campaigns.in(actor).get(c._id)).status).toBe("draft");
});

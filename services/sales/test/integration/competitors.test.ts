import { status } from "@grpc/grpc-js";
import { dependentsOf, isGrpcError, type DependentCount, type EventBus } from "@relata/platform";
import { CompetitorChanged } from "@relata/proto/events/v1/sales";
import { CreateAccountRequest } from "@relata/proto/sales/v1/account";
import { CreateCompetitorRequest, ListCompetitorsRequest, UpdateCompetitorRequest } from "@relata/proto/sales/v1/competitor";
import { CreateOpportunityRequest, UpdateOpportunityRequest } from "@relata/proto/sales/v1/opportunity";
import { testServerPort } from "@relata/testing";
import { connectBus, eventually, failureOf, identity, nextSequence, readStream, runId, salesClientsAt, startSalesProcess, type SalesClients, type SalesProcess } from "./support";

jest.setTimeout(90_000);

const run = runId();
const port = testServerPort(30); // Sales commerce: proposal and competitors, offsets 30-39

let service: SalesProcess;
let clients: SalesClients;
let bus: EventBus;
let fromSeq: number;
const acme = () => ({ identity: identity(`acme-${run}`, "rep-ada") });
const globex = () => ({ identity: identity(`globex-${run}`, "rep-bob") });

beforeAll(async () => {
  bus = await connectBus("sales-it-competitors");
  fromSeq = await nextSequence(bus);
  service = await startSalesProcess({ grpcPort: port });
  clients = salesClientsAt(service.address);
});

afterAll(async () => {
  clients?.close();
  await service?.stop();
  await bus?.close();
});

const newCompetitor = (name: string, who = acme()) =>
  clients.competitors.createCompetitor(CreateCompetitorRequest.fromPartial({ name: `${name} ${run}`, website: "https://rival.example", strengths: "price" }), who);
const newOpportunity = async (competitorIds: string[] = [], who = acme()) => {
  const account = await clients.accounts.createAccount(CreateAccountRequest.fromPartial({ name: `Customer ${run}` }), who);
  return clients.opportunities.createOpportunity(
    CreateOpportunityRequest.fromPartial({ accountId: account.id, name: `Deal ${run}`, competitorIds: { values: competitorIds } }),
    who,
  );
};

async function refusal(call: Promise<unknown>): Promise<{ code: number; dependents?: DependentCount[] }> {
  try {
    await call;
  } catch (err) {
    if (isGrpcError(err)) return { code: err.code, dependents: dependentsOf(err) };
    throw err;
  }
  throw new Error("expected the call to fail");
}

describe("competitors", () => {
  it("creates, reads, lists by name, updates and publishes sales.competitor.* with the record", async () => {
    const created = await newCompetitor("Rival");
    expect(created).toMatchObject({ name: `Rival ${run}`, website: "https://rival.example", strengths: "price", weaknesses: "", version: "1" });
    expect(await clients.competitors.getCompetitor({ id: created.id }, acme())).toEqual(created);

    const updated = await clients.competitors.updateCompetitor(UpdateCompetitorRequest.fromPartial({ id: created.id, expectedVersion: "1", weaknesses: "support" }), acme());
    expect(updated).toMatchObject({ weaknesses: "support", strengths: "price", version: "2" });
    expect(await failureOf(clients.competitors.updateCompetitor(UpdateCompetitorRequest.fromPartial({ id: created.id, expectedVersion: "1", name: "x" }), acme()))).toMatchObject({
      code: status.FAILED_PRECONDITION,
    });

    const listed = await clients.competitors.listCompetitors(ListCompetitorsRequest.fromPartial({ name: `Rival ${run}` }), acme());
    expect(listed.competitors.map((c) => c.id)).toEqual([created.id]);

    const published = async (subject: string) =>
      (await readStream(bus, fromSeq, subject, (d) => CompetitorChanged.decode(d).meta)).map((m) => CompetitorChanged.decode(m.data).competitor).filter((c) => c?.id === created.id);
    const createdEvents = await eventually(() => published("sales.competitor.created"), (e) => e.length > 0, "sales.competitor.created");
    const updatedEvents = await eventually(() => published("sales.competitor.updated"), (e) => e.length > 0, "sales.competitor.updated");
    expect(createdEvents).toEqual([expect.objectContaining({ name: `Rival ${run}`, version: "1" })]);
    expect(updatedEvents).toEqual([expect.objectContaining({ weaknesses: "support", version: "2" })]);
  });

  it("refuses a competitor without a name or with a website that is not a URL, naming the field", async () => {
    expect(await failureOf(clients.competitors.createCompetitor(CreateCompetitorRequest.fromPartial({ name: " " }), acme()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "name",
    });
    expect(await failureOf(clients.competitors.createCompetitor(CreateCompetitorRequest.fromPartial({ name: "X", website: "ftp://x" }), acme()))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      field: "website",
    });
  });

  it("keeps tenants apart: another tenant's competitor is not found, not listed and cannot be linked", async () => {
    const theirs = await newCompetitor("Theirs", globex());
    expect(await failureOf(clients.competitors.getCompetitor({ id: theirs.id }, acme()))).toMatchObject({ code: status.NOT_FOUND });
    expect(await failureOf(clients.competitors.updateCompetitor(UpdateCompetitorRequest.fromPartial({ id: theirs.id, name: "mine" }), acme()))).toMatchObject({
      code: status.NOT_FOUND,
    });
    expect(await failureOf(clients.competitors.deleteCompetitor({ id: theirs.id, expectedVersion: "0" }, acme()))).toMatchObject({ code: status.NOT_FOUND });
    const listed = await clients.competitors.listCompetitors(ListCompetitorsRequest.fromPartial({ name: `Theirs ${run}` }), acme());
    expect(listed.competitors).toEqual([]);
    expect(await failureOf(newOpportunity([theirs.id]))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "competitor_ids.0" });
  });
});

describe("opportunities and their competitors", () => {
  it("links existing competitors on create and update, and refuses an unknown one naming the item of competitor_ids", async () => {
    const a = await newCompetitor("A");
    const b = await newCompetitor("B");
    const opportunity = await newOpportunity([a.id]);
    expect(opportunity.competitorIds?.values).toEqual([a.id]);

    expect(await failureOf(newOpportunity([a.id, "no-such-competitor"]))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "competitor_ids.1" });
    const updated = await clients.opportunities.updateOpportunity(
      UpdateOpportunityRequest.fromPartial({ id: opportunity.id, competitorIds: { values: [a.id, b.id] } }),
      acme(),
    );
    expect(updated.competitorIds?.values).toEqual([a.id, b.id]);
    expect(
      await failureOf(clients.opportunities.updateOpportunity(UpdateOpportunityRequest.fromPartial({ id: opportunity.id, competitorIds: { values: ["nope"] } }), acme())),
    ).toMatchObject({ code: status.INVALID_ARGUMENT, field: "competitor_ids.0" });
    // A deleted competitor can no longer be linked.
    const gone = await newCompetitor("Gone");
    await clients.competitors.deleteCompetitor({ id: gone.id, expectedVersion: "1" }, acme());
    expect(await failureOf(newOpportunity([gone.id]))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "competitor_ids.0" });
  });

  it("records the competitor a deal was lost to with the lost stage only", async () => {
    const rival = await newCompetitor("Winner");
    const opportunity = await newOpportunity();
    const stage = (stageId: string, lostToCompetitorId: string, reason = "") =>
      clients.opportunities.changeStage({ id: opportunity.id, expectedVersion: "0", stageId, reason, lostToCompetitorId }, acme());

    expect(await failureOf(stage("qualification", rival.id))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "lost_to_competitor_id" });
    expect(await failureOf(stage("won", rival.id))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "lost_to_competitor_id" });
    expect(await failureOf(stage("lost", "no-such-competitor", "price"))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "lost_to_competitor_id" });
    const theirs = await newCompetitor("Elsewhere", globex());
    expect(await failureOf(stage("lost", theirs.id, "price"))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "lost_to_competitor_id" });
    // Nothing was written by the refusals.
    expect((await clients.opportunities.getOpportunity({ id: opportunity.id }, acme())).version).toBe(opportunity.version);

    const lost = await stage("lost", rival.id, "price");
    expect(lost).toMatchObject({ stageId: "lost", lostToCompetitorId: rival.id, closeReason: "price" });
    expect((await clients.opportunities.getOpportunity({ id: opportunity.id }, acme())).lostToCompetitorId).toBe(rival.id);

    // A lost deal without a named competitor names none.
    const other = await newOpportunity();
    const plain = await clients.opportunities.changeStage({ id: other.id, expectedVersion: "0", stageId: "lost", reason: "budget", lostToCompetitorId: "" }, acme());
    expect(plain.lostToCompetitorId).toBe("");
  });

  it("keeps a competitor that opportunities name: the delete is refused (ABORTED) naming them, and allowed once none does", async () => {
    const met = await newCompetitor("Met");
    const opportunity = await newOpportunity([met.id]);
    const refused = await refusal(clients.competitors.deleteCompetitor({ id: met.id, expectedVersion: "0" }, acme()));
    expect(refused.code).toBe(status.ABORTED);
    expect(refused.dependents).toEqual([{ what: "opportunity", count: 1 }]);

    const lostTo = await newCompetitor("LostTo");
    const lostDeal = await newOpportunity();
    await clients.opportunities.changeStage({ id: lostDeal.id, expectedVersion: "0", stageId: "lost", reason: "price", lostToCompetitorId: lostTo.id }, acme());
    expect((await refusal(clients.competitors.deleteCompetitor({ id: lostTo.id, expectedVersion: "0" }, acme()))).dependents).toEqual([
      { what: "opportunity lost to it", count: 1 },
    ]);

    await clients.opportunities.updateOpportunity(UpdateOpportunityRequest.fromPartial({ id: opportunity.id, competitorIds: { values: [] } }), acme());
    const deleted = await clients.competitors.deleteCompetitor({ id: met.id, expectedVersion: "0" }, acme());
    expect(await failureOf(clients.competitors.getCompetitor({ id: deleted.id }, acme()))).toMatchObject({ code: status.NOT_FOUND });
    const restored = await clients.competitors.restoreCompetitor({ id: met.id, expectedVersion: "0" }, acme());
    expect(restored).toMatchObject({ id: met.id, name: met.name });
  });

  it("restores an opportunity only beside its competitors", async () => {
    const c = await newCompetitor("Beside");
    const opportunity = await newOpportunity([c.id]);
    await clients.opportunities.deleteOpportunity({ id: opportunity.id, expectedVersion: "0" }, acme());
    // With the opportunity in the bin nothing names the competitor, so it may go too.
    await clients.competitors.deleteCompetitor({ id: c.id, expectedVersion: "0" }, acme());
    expect(await failureOf(clients.opportunities.restoreOpportunity({ id: opportunity.id, expectedVersion: "0" }, acme()))).toMatchObject({
      code: status.ABORTED,
      field: "competitor_ids",
    });
    await clients.competitors.restoreCompetitor({ id: c.id, expectedVersion: "0" }, acme());
    const back = await clients.opportunities.restoreOpportunity({ id: opportunity.id, expectedVersion: "0" }, acme());
    expect(back.competitorIds?.values).toEqual([c.id]);
  });
});

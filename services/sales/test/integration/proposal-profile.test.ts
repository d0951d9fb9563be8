import { status } from "@grpc/grpc-js";
import { testServerPort } from "@relata/testing";
import { failureOf, identity, runId, salesClientsAt, startSalesProcess, type SalesClients, type SalesProcess } from "./support";

jest.setTimeout(90_000);

const run = runId();
const port = testServerPort(31); // Sales commerce: proposal and competitors, offsets 30-39

let service: SalesProcess;
let clients: SalesClients;
const acme = () => ({ identity: identity(`acme-${run}`, "admin-ada") });
const globex = () => ({ identity: identity(`globex-${run}`, "admin-bob") });

beforeAll(async () => {
  service = await startSalesProcess({ grpcPort: port });
  clients = salesClientsAt(service.address);
});

afterAll(async () => {
  clients?.close();
  await service?.stop();
});

const profile = {
  companyName: "Zażółć Gęślą Jaźń Sp. z o.o.",
  addressLines: ["ul. Długa 1", "", "00-001 Warszawa"],
  taxId: "PL5250001009",
  defaultTerms: "Płatność w ciągu 14 dni.",
  defaultLanguage: "pl",
};

describe("proposal profile", () => {
  it("is empty (version 0) until saved, then replaced under its version, per tenant", async () => {
    expect(await clients.proposals.getProposalProfile({}, acme())).toEqual({
      tenantId: `acme-${run}`,
      companyName: "",
      addressLines: [],
      taxId: "",
      defaultTerms: "",
      defaultLanguage: "",
      version: "0",
    });

    const saved = await clients.proposals.updateProposalProfile({ expectedVersion: "0", ...profile }, acme());
    // Empty address lines are dropped.
    expect(saved).toEqual({ tenantId: `acme-${run}`, ...profile, addressLines: ["ul. Długa 1", "00-001 Warszawa"], version: "1" });
    expect(await clients.proposals.getProposalProfile({}, acme())).toEqual(saved);

    // "Only while there is none" fails once there is one; a stale version fails; no version replaces.
    expect(await failureOf(clients.proposals.updateProposalProfile({ expectedVersion: "0", ...profile }, acme()))).toMatchObject({ code: status.FAILED_PRECONDITION });
    const second = await clients.proposals.updateProposalProfile({ expectedVersion: "1", ...profile, companyName: "Acme", defaultLanguage: "uk" }, acme());
    expect(second).toMatchObject({ companyName: "Acme", defaultLanguage: "uk", version: "2" });
    expect(await failureOf(clients.proposals.updateProposalProfile({ expectedVersion: "1", ...profile }, acme()))).toMatchObject({ code: status.FAILED_PRECONDITION });
    const third = await clients.proposals.updateProposalProfile({ ...profile, taxId: "", addressLines: [] }, acme());
    expect(third).toMatchObject({ companyName: profile.companyName, taxId: "", addressLines: [], version: "3" });

    // Another tenant sees only its own (none).
    expect(await clients.proposals.getProposalProfile({}, globex())).toMatchObject({ tenantId: `globex-${run}`, companyName: "", version: "0" });
    expect(await failureOf(clients.proposals.updateProposalProfile({ expectedVersion: "3", ...profile }, globex()))).toMatchObject({ code: status.FAILED_PRECONDITION });
    await clients.proposals.updateProposalProfile({ ...profile, companyName: "Globex" }, globex());
    expect((await clients.proposals.getProposalProfile({}, acme())).companyName).toBe(profile.companyName);
  });

  it("refuses what it cannot print, naming the field", async () => {
    const refused = (change: Partial<typeof profile>) => failureOf(clients.proposals.updateProposalProfile({ ...profile, ...change }, acme()));
    expect(await refused({ defaultLanguage: "de" })).toMatchObject({ code: status.INVALID_ARGUMENT, field: "default_language" });
    expect(await refused({ companyName: "x".repeat(201) })).toMatchObject({ code: status.INVALID_ARGUMENT, field: "company_name" });
    expect(await refused({ addressLines: ["1", "2", "3", "4", "5", "6", "7"] })).toMatchObject({ code: status.INVALID_ARGUMENT, field: "address_lines" });
  });
});

describe("a quote's document", () => {
  it("is NOT_FOUND while Sales keeps no quotes, and refuses an empty id naming it", async () => {
    expect(await failureOf(clients.proposals.renderQuoteDocument({ id: "q-1" }, acme()))).toMatchObject({ code: status.NOT_FOUND });
    expect(await failureOf(clients.proposals.renderQuoteDocument({ id: " " }, acme()))).toMatchObject({ code: status.INVALID_ARGUMENT, field: "id" });
  });
});

import { CreateLeadRequest, Lead, LeadSource, LeadStatus, ListLeadsRequest, UpdateLeadRequest } from "@relata/proto/sales/v1/lead";
import { CreateOpportunityRequest, ListOpportunitiesRequest, Opportunity, OpportunityStatus, UpdateOpportunityRequest } from "@relata/proto/sales/v1/opportunity";
import { z } from "zod";
import { leadSchemas } from "../../src/rpc/leads";
import { opportunitySchemas } from "../../src/rpc/opportunities";
import {
  createRequest,
  CURRENCY_CODES,
  enumCodec,
  f,
  gatewaySchemas,
  listRequest,
  mongooseSchema,
  resource,
  serviceSchemas,
  toJson,
  toMessage,
  updateRequest,
  type CreateBody,
  type ResourceRecord,
  type UpdateBody,
} from "@relata/platform/resource";
import { lead, leadSource, opportunity } from "../../src/resources";
import { InvalidArgument, snakeCase, validate } from "@relata/platform";
import { gatewayVerdict, verdict } from "./support/verdicts";




describe("an opportunity: enums, money, dates and read-only fields", () => {
  const gateway = gatewaySchemas(opportunity);
  const service = serviceSchemas(opportunity);
  const body = { accountId: "acc-1", name: "Deal" };
  const toRequest = (b: Record<string, unknown>) =>
    CreateOpportunityRequest.fromPartial(createRequest(opportunity, b as CreateBody<typeof opportunity.fields>, ""));

  // The last column is Sales' service (its handlers' schemas); "tighter" marks a format the API
  // checked and Sales' hand-written validation did not, which the service now checks too.
  const cases: [string, Record<string, unknown>, string, string][] = [
    ["an account and a name", body, "ok", "ok"],
    ["money in a known currency", { ...body, amount: { amount: "12500.00", currency: "EUR" } }, "ok", "ok"],
    ["four decimals", { ...body, amount: { amount: "0.0001", currency: "JPY" } }, "ok", "ok"],
    ["five decimals", { ...body, amount: { amount: "1.00001", currency: "EUR" } }, "amount.amount", "amount.amount"],
    ["a negative amount", { ...body, amount: { amount: "-1", currency: "EUR" } }, "amount.amount", "amount.amount"],
    ["a lower-case currency", { ...body, amount: { amount: "1", currency: "eur" } }, "amount.currency", "amount.currency"],
    ["three letters that are no currency", { ...body, amount: { amount: "1", currency: "ABC" } }, "amount.currency", "amount.currency"],
    ["a calendar date", { ...body, expectedCloseDate: "2028-02-29" }, "ok", "ok"],
    ["a day that does not exist", { ...body, expectedCloseDate: "2027-02-29" }, "expectedCloseDate", "expectedCloseDate"],
    ["a stage id", { ...body, stageId: "proposal" }, "ok", "ok"],
    ["a stage id starting with a digit", { ...body, stageId: "1st" }, "stageId", "tighter"],
    ["no account", { name: "Deal" }, "accountId", "accountId"],
    ["no name", { accountId: "acc-1" }, "name", "name"],
  ];

  it.each(cases)("%s", (_what, b, expected, sales) => {
    expect(gatewayVerdict(gateway.create, b)).toBe(expected);
    const request = toRequest(b);
    expect(verdict(() => validate(service.create, request))).toBe(expected === "ok" ? "ok" : snakeCase(expected));
    expect(verdict(() => validate(opportunitySchemas.createOpportunity, request))).toBe(sales === "ok" ? "ok" : snakeCase(sales === "tighter" ? expected : sales));
  });

  it("gives the service's messages for money", () => {
    const request = toRequest({ ...body, amount: { amount: "1", currency: "ABC" } });
    expect(() => validate(service.create, request)).toThrow(new InvalidArgument("amount.currency", "amount.currency: ABC is not an ISO 4217 currency"));
    expect(() => validate(service.create, toRequest({ ...body, amount: { amount: "1", currency: "eur" } }))).toThrow(
      "amount.currency: must be an ISO 4217 code of 3 upper-case letters",
    );
  });

  it("writes neither read-only fields nor create-only ones through a patch", () => {
    expect(gatewayVerdict(gateway.create, { ...body, status: "won" })).toBe("status");
    expect(gatewayVerdict(gateway.create, { ...body, probability: 50 })).toBe("probability");
    expect(gatewayVerdict(gateway.update, { stageId: "won" })).toBe("stageId");
    expect(gatewayVerdict(gateway.update, { accountId: "acc-2" })).toBe("accountId");
    expect(gatewayVerdict(gateway.update, { amount: null })).toBe("amount");
    expect(gatewayVerdict(gateway.update, { expectedCloseDate: null, contactId: null })).toBe("ok");
  });

  it("keeps an absent or all-empty amount unchanged on update, and clears a date with null", () => {
    const request = UpdateOpportunityRequest.fromPartial(updateRequest(opportunity, "o1", "2", { expectedCloseDate: null } as UpdateBody<typeof opportunity.fields>));
    expect(request.amount).toBeUndefined();
    expect(validate(service.update, request)).toEqual({ id: "o1", expectedVersion: 2, expectedCloseDate: "" });
    expect(validate(service.update, { id: "o1", expectedVersion: "2", amount: { amount: "", currency: "" } })).toEqual({ id: "o1", expectedVersion: 2 });
  });

  it("filters by status as a word in the API, a proto value in the request, a word in the service", () => {
    const query = gateway.list.parse({ status: "won", sort: "-probability" });
    const request = ListOpportunitiesRequest.fromPartial(listRequest(opportunity, query));
    expect(request.status).toBe(OpportunityStatus.OPPORTUNITY_STATUS_WON);
    expect(request.page).toEqual({ pageSize: 0, cursor: "", sort: "-probability" });
    expect(validate(service.list, request)).toEqual({ status: "won" });
    expect(validate(service.list, ListOpportunitiesRequest.fromPartial({}))).toEqual({});
    expect(verdict(() => validate(service.list, { status: "OPPORTUNITY_STATUS_MAYBE" }))).toBe("status");
    expect(gatewayVerdict(gateway.list, { status: "maybe" })).toBe("status");
  });

  it("says the constraints in the JSON schema: currency codes, amount pattern, enums, sort", () => {
    const create = z.toJSONSchema(gateway.create, { io: "input" }) as { properties: Record<string, { properties?: Record<string, { enum?: string[]; pattern?: string }> }> };
    const currency = create.properties.amount!.properties!.currency!;
    expect(currency.enum).toEqual(CURRENCY_CODES);
    expect(currency.enum).toEqual(expect.arrayContaining(["EUR", "USD", "JPY"]));
    expect(currency.enum).not.toContain("ABC");
    expect(create.properties.amount!.properties!.amount!.pattern).toBe("^\\d{1,15}(\\.\\d{1,4})?$");
    const list = z.toJSONSchema(gateway.list, { io: "input" }) as { properties: Record<string, { enum?: string[] }> };
    expect(list.properties.status!.enum).toEqual(["open", "won", "lost"]);
    expect(list.properties.sort!.enum).toEqual([
      "createdAt", "-createdAt", "updatedAt", "-updatedAt", "name", "-name", "probability", "-probability", "expectedCloseDate", "-expectedCloseDate",
    ]);
  });

  const message: Opportunity = {
    id: "o1",
    tenantId: "t1",
    accountId: "acc-1",
    contactId: "",
    name: "Deal",
    stageId: "proposal",
    probability: 40,
    amount: { amount: "12500.00", currency: "EUR" },
    expectedCloseDate: "",
    status: OpportunityStatus.OPPORTUNITY_STATUS_OPEN,
    closeReason: "",
    ownerId: "rep-1",
    stageHistory: [
      { fromStageId: "", toStageId: "qualification", changedBy: "rep-1", changedAt: "2026-01-02T03:04:05.000Z" },
      { fromStageId: "qualification", toStageId: "proposal", changedBy: "", changedAt: "2026-01-05T03:04:05.000Z" },
    ],
    leadId: "",
    competitorIds: { values: ["cmp-1"] },
    lostToCompetitorId: "",
    primaryQuoteId: "",
    version: "4",
    createdAt: "2026-01-02T03:04:05.000Z",
    updatedAt: "2026-01-05T03:04:05.000Z",
  };

  const json = {
    id: "o1",
    tenantId: "t1",
    accountId: "acc-1",
    contactId: null,
    name: "Deal",
    stageId: "proposal",
    probability: 40,
    amount: { amount: "12500.00", currency: "EUR" },
    expectedCloseDate: null,
    status: "open",
    closeReason: null,
    ownerId: "rep-1",
    stageHistory: [
      { fromStageId: null, toStageId: "qualification", changedBy: "rep-1", changedAt: "2026-01-02T03:04:05.000Z" },
      { fromStageId: "qualification", toStageId: "proposal", changedBy: null, changedAt: "2026-01-05T03:04:05.000Z" },
    ],
    leadId: null,
    competitorIds: ["cmp-1"],
    lostToCompetitorId: null,
    primaryQuoteId: null,
    version: 4,
    createdAt: "2026-01-02T03:04:05.000Z",
    updatedAt: "2026-01-05T03:04:05.000Z",
  };
  it.each([
    ["a full message", message, json],
    [
      "an empty amount and no status",
      { ...message, amount: { amount: "", currency: "" }, status: OpportunityStatus.OPPORTUNITY_STATUS_UNSPECIFIED },
      { ...json, amount: null, status: null },
    ],
    [
      "no amount, stage history or dates",
      Opportunity.fromPartial({ id: "o2", tenantId: "t1", accountId: "acc-1", name: "D", stageId: "s", version: "1" }),
      { ...json, id: "o2", name: "D", stageId: "s", probability: 0, amount: null, status: null, ownerId: null, stageHistory: [], competitorIds: [], version: 1, createdAt: null, updatedAt: null },
    ],
  ])("serves the API's JSON: %s", (_what, m, expected) => {
    expect(toJson(opportunity, m)).toEqual(expected);
    expect(gateway.json.safeParse(toJson(opportunity, m)).success).toBe(true);
  });

  it("turns a record into its message: enum, money, dates and the custom stage history", () => {
    const record: ResourceRecord<typeof opportunity.fields> = {
      _id: "o1",
      tenantId: "t1",
      version: 4,
      createdAt: new Date("2026-01-02T03:04:05Z"),
      updatedAt: new Date("2026-01-05T03:04:05Z"),
      idempotencyKey: "k1",
      requestHash: "",
      accountId: "acc-1",
      contactId: "",
      name: "Deal",
      stageId: "proposal",
      probability: 40,
      amount: { amount: "12500.00", currency: "EUR" },
      expectedCloseDate: "",
      status: "open",
      closeReason: "",
      ownerId: "rep-1",
      stageHistory: [
        { fromStageId: "", toStageId: "qualification", changedBy: "rep-1", changedAt: new Date("2026-01-02T03:04:05Z") },
        { fromStageId: "qualification", toStageId: "proposal", changedBy: "", changedAt: new Date("2026-01-05T03:04:05Z") },
      ],
      leadId: "",
      competitorIds: ["cmp-1"],
      lostToCompetitorId: "",
      primaryQuoteId: "",
    };
    const built: Opportunity = toMessage(opportunity, record);
    expect(built).toEqual(message);
    expect(Opportunity.decode(Opportunity.encode(built).finish())).toEqual(message);
  });

  it("stores money and the enum word, and indexes the filters behind the tenant", () => {
    const schema = mongooseSchema(opportunity);
    expect(schema.path("amount").isRequired).toBeFalsy();
    expect(schema.path("accountId").isRequired).toBe(true);
    expect(schema.path("status").instance).toBe("String");
    expect(schema.indexes().map(([fields]) => fields)).toEqual(
      expect.arrayContaining([
        { tenantId: 1, status: 1, createdAt: -1, _id: -1 },
        { tenantId: 1, expectedCloseDate: 1, _id: 1 },
      ]),
    );
  });
});

describe("a lead: email, phone, enum filters, a number changed only by update", () => {
  const gateway = gatewaySchemas(lead);
  const service = serviceSchemas(lead);
  const body = { lastName: "Lovelace" };
  const toRequest = (b: Record<string, unknown>) => CreateLeadRequest.fromPartial(createRequest(lead, b as CreateBody<typeof lead.fields>, ""));

  const cases: [string, Record<string, unknown>, string, string][] = [
    ["a last name", body, "ok", "ok"],
    ["an email", { ...body, email: "Ada@Example.com" }, "ok", "ok"],
    ["an email of 201 characters", { ...body, email: `${"a".repeat(189)}@example.com` }, "email", "email"],
    ["no email address", { ...body, email: "ada" }, "email", "email"],
    ["a phone number", { ...body, phone: "+44 20 7946 0000" }, "ok", "ok"],
    ["letters as a phone", { ...body, phone: "call me" }, "phone", "tighter"],
    ["a source", { ...body, source: "web_form" }, "ok", "ok"],
    ["a last name of 200 characters", { lastName: "x".repeat(200) }, "ok", "ok"],
    ["a last name of 201 characters", { lastName: "x".repeat(201) }, "lastName", "lastName"],
  ];

  it.each(cases)("%s", (_what, b, expected, sales) => {
    expect(gatewayVerdict(gateway.create, b)).toBe(expected);
    const request = toRequest(b);
    expect(verdict(() => validate(service.create, request))).toBe(expected === "ok" ? "ok" : snakeCase(expected));
    expect(verdict(() => validate(leadSchemas.createLead, request))).toBe(sales === "ok" ? "ok" : snakeCase(sales === "tighter" ? expected : sales));
  });

  it("lower-cases the email and carries the source as a word", () => {
    const input = validate(service.create, toRequest({ ...body, email: " Ada@Example.com ", source: "web_form" }));
    expect(input).toMatchObject({ email: "ada@example.com", source: "web_form" });
    expect(toRequest({ ...body, source: "web_form" }).source).toBe(LeadSource.LEAD_SOURCE_WEB_FORM);
    expect(validate(service.create, toRequest(body)).source).toBeUndefined();
  });

  it("changes the score only by update, within 0..100, in the API and the service alike", () => {
    expect(gatewayVerdict(gateway.create, { ...body, score: 5 })).toBe("score");
    expect(gatewayVerdict(gateway.update, { score: 101 })).toBe("score");
    expect(gatewayVerdict(gateway.update, { score: 1.5 })).toBe("score");
    const request = UpdateLeadRequest.fromPartial(updateRequest(lead, "l1", "0", { score: 101 }));
    expect(() => validate(service.update, request)).toThrow(new InvalidArgument("score", "score: must be from 0 to 100"));
    expect(validate(service.update, UpdateLeadRequest.fromPartial(updateRequest(lead, "l1", "0", { score: 0 })))).toEqual({ id: "l1", expectedVersion: 0, score: 0 });
  });

  it("refuses to clear the company, which has no null in the API", () => {
    expect(gatewayVerdict(gateway.update, { company: null })).toBe("company");
    expect(verdict(() => validate(service.update, { id: "l1", company: "  " }))).toBe("company");
  });

  it("reads enum filters from the query", () => {
    const request = ListLeadsRequest.fromPartial(listRequest(lead, { status: "qualified", source: "partner" }));
    expect(request).toMatchObject({ status: LeadStatus.LEAD_STATUS_QUALIFIED, source: LeadSource.LEAD_SOURCE_PARTNER });
    expect(validate(service.list, request)).toEqual({ status: "qualified", source: "partner" });
  });

  const none = { firstName: null, email: null, phone: null, company: null, title: null, industry: null, ownerId: null, disqualifyReason: null, campaignId: null, scoredAt: null, externalId: null, updatedAt: null, country: null, region: null, employeeCount: 0, territory: null };
  it.each([
    [
      Lead.fromPartial({ id: "l1", tenantId: "t1", lastName: "Lovelace", source: LeadSource.LEAD_SOURCE_MANUAL, status: LeadStatus.LEAD_STATUS_NEW, version: "1" }),
      { ...none, id: "l1", tenantId: "t1", lastName: "Lovelace", source: "manual", status: "new", score: 0, conversion: null, version: 1, createdAt: null },
    ],
    [Lead.fromPartial({
      id: "l2",
      tenantId: "t1",
      lastName: "Lovelace",
      email: "ada@example.com",
      status: LeadStatus.LEAD_STATUS_CONVERTED,
      score: 70,
      conversion: { accountId: "a", contactId: "c", opportunityId: "o", convertedAt: "2026-01-02T03:04:05.000Z" },
      version: "5",
      createdAt: "2026-01-01T00:00:00.000Z",
    }),
    {
      ...none,
      id: "l2",
      tenantId: "t1",
      lastName: "Lovelace",
      email: "ada@example.com",
      source: null,
      status: "converted",
      score: 70,
      conversion: { accountId: "a", contactId: "c", opportunityId: "o", convertedAt: "2026-01-02T03:04:05.000Z" },
      version: 5,
      createdAt: "2026-01-01T00:00:00.000Z",
    }],
  ])("serves the API's JSON: words for enums, the conversion once converted, \"\" as null (%#)", (m, expected) => {
    expect(toJson(lead, m)).toEqual(expected);
  });

  it("describes the filters and defaults in the OpenAPI", () => {
    const create = z.toJSONSchema(gateway.create, { io: "input" }) as { properties: Record<string, { description?: string; enum?: string[] }> };
    expect(create.properties.source!.enum).toEqual(leadSource.words);
    expect(create.properties.ownerId!.description).toBe("Empty: the tenant's round robin assigns one, or the caller owns it.");
  });
});

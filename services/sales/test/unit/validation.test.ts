import { AppError, InvalidArgument, snakeCase, validate } from "@relata/platform";
import { LeadSource, LeadStatus } from "@relata/proto/sales/v1/lead";
import { ActivityType } from "@relata/proto/sales/v1/activity";
import { StageKind } from "@relata/proto/sales/v1/pipeline";
import { accountSchemas } from "../../src/rpc/accounts";
import { activitySchemas } from "../../src/rpc/activities";
import { leadSchemas } from "../../src/rpc/leads";
import { opportunitySchemas } from "../../src/rpc/opportunities";
import { pipelineSchemas } from "../../src/rpc/pipeline";

function failure(fn: () => unknown): { field?: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidArgument);
    return { field: (err as AppError).field, message: (err as AppError).message };
  }
  throw new Error("expected validation to fail");
}

const lead = {
  firstName: "Ada",
  lastName: "Lovelace",
  email: "Ada@Example.com",
  phone: "",
  company: "Analytical Engines",
  title: "",
  industry: "",
  source: LeadSource.LEAD_SOURCE_UNSPECIFIED,
  ownerId: "",
  idempotencyKey: "",
};

describe("request validation", () => {
  it("converts field paths to the proto's snake_case", () => {
    expect(snakeCase("lastName")).toBe("last_name");
    expect(snakeCase("relatedTo.id")).toBe("related_to.id");
    expect(snakeCase("stages.0.probability")).toBe("stages.0.probability");
  });

  it("accepts a lead, trims, lower-cases the email and defaults the source to manual", () => {
    const input = validate(leadSchemas.createLead, { ...lead, company: "  Analytical Engines  " });
    expect(input).toMatchObject({ email: "ada@example.com", company: "Analytical Engines", source: "manual" });
  });

  it("names last_name when it is missing or blank", () => {
    expect(failure(() => validate(leadSchemas.createLead, { ...lead, lastName: "   " }))).toEqual({
      field: "last_name",
      message: "last_name: is required",
    });
  });

  it("names email when it is not an address", () => {
    expect(failure(() => validate(leadSchemas.createLead, { ...lead, email: "not-an-email" }))).toEqual({
      field: "email",
      message: "email: must be an email address",
    });
  });

  it("limits text to 200 characters", () => {
    expect(failure(() => validate(leadSchemas.createLead, { ...lead, company: "x".repeat(201) }))).toEqual({
      field: "company",
      message: "company: must be at most 200 characters",
    });
  });

  it("refuses an enum value the proto does not know", () => {
    expect(failure(() => validate(leadSchemas.listLeads, { status: "LEAD_STATUS_LOST" })).field).toBe("status");
    expect(validate(leadSchemas.listLeads, { status: LeadStatus.LEAD_STATUS_QUALIFIED }).status).toBe("qualified");
    expect(validate(leadSchemas.listLeads, { status: LeadStatus.LEAD_STATUS_UNSPECIFIED }).status).toBeUndefined();
  });

  it("names amount.currency and amount.amount inside a Money", () => {
    const convert = { id: "l1", opportunityName: "", expectedCloseDate: "", existingAccountId: "" };
    expect(failure(() => validate(leadSchemas.convertLead, { ...convert, amount: { amount: "100", currency: "eur" } }))).toEqual({
      field: "amount.currency",
      message: "amount.currency: must be an ISO 4217 code of 3 upper-case letters",
    });
    expect(failure(() => validate(leadSchemas.convertLead, { ...convert, amount: { amount: "1.23456", currency: "EUR" } })).field).toBe(
      "amount.amount",
    );
    expect(validate(leadSchemas.convertLead, { ...convert, amount: { amount: "", currency: "" } }).amount).toBeUndefined();
  });

  it("names expected_close_date when it is not a calendar day", () => {
    const opp = { accountId: "a1", contactId: "", name: "Deal", stageId: "", ownerId: "", idempotencyKey: "" };
    expect(failure(() => validate(opportunitySchemas.createOpportunity, { ...opp, expectedCloseDate: "2026-02-30" }))).toEqual({
      field: "expected_close_date",
      message: "expected_close_date: must be a date written YYYY-MM-DD",
    });
    expect(failure(() => validate(opportunitySchemas.createOpportunity, { ...opp, accountId: "", expectedCloseDate: "" })).field).toBe(
      "account_id",
    );
  });

  it("parses expected_version and refuses a non-number", () => {
    expect(validate(accountSchemas.updateAccount, { id: "a", expectedVersion: "7" }).expectedVersion).toBe(7);
    expect(validate(accountSchemas.updateAccount, { id: "a" }).expectedVersion).toBe(0);
    expect(failure(() => validate(accountSchemas.updateAccount, { id: "a", expectedVersion: "-1" })).field).toBe("expected_version");
  });

  it("refuses a website that is not an http(s) URL", () => {
    expect(failure(() => validate(accountSchemas.updateAccount, { id: "a", expectedVersion: "0", website: "ftp://x" })).field).toBe("website");
  });

  it("requires related_to on an activity and names its parts", () => {
    const activity = { type: ActivityType.ACTIVITY_TYPE_CALL, subject: "Intro call", notes: "", ownerId: "", idempotencyKey: "" };
    expect(failure(() => validate(activitySchemas.createActivity, activity))).toEqual({ field: "related_to", message: "related_to: is required" });
    expect(
      failure(() => validate(activitySchemas.createActivity, { ...activity, relatedTo: { type: "sales.account", id: "" } })).field,
    ).toBe("related_to.id");
    expect(
      failure(() => validate(activitySchemas.createActivity, { ...activity, relatedTo: { type: "", id: "x" } })),
    ).toEqual({ field: "related_to.type", message: "related_to.type: is required" });
    expect(failure(() => validate(activitySchemas.createActivity, { ...activity, type: ActivityType.ACTIVITY_TYPE_UNSPECIFIED })).field).toBe(
      "type",
    );
  });

  it("names the stage field of a pipeline update", () => {
    const stage = { id: "x", name: "X", probability: 10, kind: StageKind.STAGE_KIND_UNSPECIFIED };
    expect(failure(() => validate(pipelineSchemas.updatePipeline, { expectedVersion: "0", stages: [stage] }))).toEqual({
      field: "stages.0.kind",
      message: "stages.0.kind: is required",
    });
  });

  it("keeps a pipeline update's absent expected version apart from version 0", () => {
    expect(validate(pipelineSchemas.updatePipeline, { stages: [] }).expectedVersion).toBeUndefined();
    expect(validate(pipelineSchemas.updatePipeline, { expectedVersion: "0", stages: [] }).expectedVersion).toBe(0);
    expect(validate(pipelineSchemas.updatePipeline, { expectedVersion: "3", stages: [] }).expectedVersion).toBe(3);
    expect(failure(() => validate(pipelineSchemas.updatePipeline, { expectedVersion: "-1", stages: [] })).field).toBe("expected_version");
  });

  it("keeps lead scores within 0..100", () => {
    expect(failure(() => validate(leadSchemas.updateLead, { id: "l", expectedVersion: "0", score: 101 })).field).toBe("score");
    expect(validate(leadSchemas.updateLead, { id: "l", expectedVersion: "0", score: 55 }).score).toBe(55);
  });
});

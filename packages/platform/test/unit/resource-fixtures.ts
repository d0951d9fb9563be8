import type { Role } from "../../src/identity";
import { enumCodec, f, resource } from "../../src/resource";
import { Account, CreateAccountRequest, ListAccountsRequest, UpdateAccountRequest } from "@relata/proto/sales/v1/account";
import {
  CreateOpportunityRequest,
  ListOpportunitiesRequest,
  Opportunity,
  OpportunityStatus,
  StageChange,
  UpdateOpportunityRequest,
} from "@relata/proto/sales/v1/opportunity";
import { z } from "zod";

/**
 * Sales' account and opportunity as descriptions, with the limits in force today: where the
 * API and the service disagreed, the stricter one (the one a caller actually meets).
 */

const SALES_READERS: Role[] = ["platform-admin", "tenant-admin", "sales-rep", "sales-manager", "marketer", "analyst"];
const SUPPORT: Role[] = ["support-agent", "support-manager"];
const SALES_WRITERS: Role[] = ["tenant-admin", "sales-rep", "sales-manager"];

export const account = resource<Account, CreateAccountRequest, UpdateAccountRequest, ListAccountsRequest>()({
  name: "sales.account",
  path: "/v1/accounts",
  collection: "accounts",
  fields: {
    name: f.text(200).required().sortable(),
    parentAccountId: f.ref("sales.account").clearable().filter(),
    industry: f.text(100).clearable().filter(),
    territory: f.text(100).clearable().filter(),
    ownerId: f.owner().filter(),
    website: f.httpUrl(200).clearable(),
  },
  access: { read: [...SALES_READERS, ...SUPPORT], write: SALES_WRITERS, scopes: { read: "sales:read" } },
  pii: ["website"],
});

export const opportunityStatus = enumCodec(OpportunityStatus, "OPPORTUNITY_STATUS_");

/** A pipeline stage id, as the service's pipeline rules define it. */
export const STAGE_ID = /^[a-z][a-z0-9_-]{0,49}$/;

interface StageChangeRecord {
  fromStageId: string;
  toStageId: string;
  changedBy: string;
  changedAt: Date;
}

const StageChangeJson = z.object({
  fromStageId: z.string().nullable(),
  toStageId: z.string(),
  changedBy: z.string().nullable(),
  changedAt: z.iso.datetime({ offset: true }).nullable(),
});

const orNull = (v: string | undefined) => (v ? v : null);

export const opportunity = resource<Opportunity, CreateOpportunityRequest, UpdateOpportunityRequest, ListOpportunitiesRequest>()({
  name: "sales.opportunity",
  path: "/v1/opportunities",
  collection: "opportunities",
  fields: {
    accountId: f.ref("sales.account").required().createOnly().filter(),
    contactId: f.ref("sales.contact").clearable(),
    name: f.text(200).required().sortable(),
    stageId: f.text(50, { pattern: { regex: STAGE_ID, message: "must be a stage id of the pipeline" } })
      .createOnly()
      .defaulted("Defaults to the first stage of the tenant's pipeline.")
      .filter(),
    probability: f.int(0, 100).readOnly().sortable(),
    amount: f.money(),
    expectedCloseDate: f.date().clearable().sortable(),
    status: f.enum(opportunityStatus).readOnly().filter(),
    closeReason: f.text(500).readOnly(),
    ownerId: f.owner().filter(),
    stageHistory: f.custom<{ proto: StageChange[]; json: z.output<typeof StageChangeJson>[]; record: StageChangeRecord[] }>({
      output: z.array(StageChangeJson),
      toJson: (history) =>
        history.map((h) => ({ fromStageId: orNull(h.fromStageId), toStageId: h.toStageId, changedBy: orNull(h.changedBy), changedAt: orNull(h.changedAt) })),
      recordToProto: (history) =>
        (history ?? []).map((h) => ({ fromStageId: h.fromStageId ?? "", toStageId: h.toStageId, changedBy: h.changedBy ?? "", changedAt: new Date(h.changedAt).toISOString() })),
      mongo: [{ fromStageId: String, toStageId: String, changedBy: String, changedAt: Date }],
      emptyRecord: [],
    }),
    leadId: f.ref("sales.lead").readOnly(),
  },
  access: { read: SALES_READERS, write: SALES_WRITERS, scopes: { read: "sales:read" } },
});

import { InvalidArgument, StateConflict } from "@relata/platform";
import { openingStageChange } from "./opportunity";
import { fullName } from "./types";
import type {
  AccountRecord,
  ContactRecord,
  ConversionPlan,
  LeadRecord,
  LeadStatus,
  Money,
  OpportunityRecord,
  PipelineStage,
} from "./types";

type LeadState = Pick<LeadRecord, "status" | "conversion">;

/**
 * A lead's lifecycle:
 *
 *   new ──qualify──▶ qualified ──convert──▶ converted (final)
 *    │  ◀─────────────┘  ▲ │
 *    └──disqualify──▶ disqualified ─qualify─┘
 *
 * new and qualified leads can be converted; a disqualified one must be qualified first. Once
 * a conversion is claimed the lead is frozen: its fields, status and owner no longer change.
 */
export const LEAD_TRANSITIONS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  new: ["qualified", "disqualified", "converted"],
  qualified: ["disqualified", "converted"],
  disqualified: ["qualified"],
  converted: [],
};

export function canTransition(from: LeadStatus, to: LeadStatus): boolean {
  return LEAD_TRANSITIONS[from].includes(to);
}

/** Edits, qualification and assignment need a lead that is not converted nor being converted. */
export function assertLeadChangeable(lead: LeadState, action: string): void {
  if (lead.status === "converted") throw new StateConflict(`the lead is converted; it can no longer be ${action}`);
  if (lead.conversion) throw new StateConflict(`the lead is being converted; it can no longer be ${action}`);
}

export interface QualificationDecision {
  status: LeadStatus;
  disqualifyReason: string;
  event: "qualified" | "disqualified";
}

/**
 * Qualifying or disqualifying (which needs a reason). Asking for the state the lead is
 * already in, with the same reason, changes nothing (null), so a retried call is harmless.
 */
export function decideQualification(
  lead: LeadState & Pick<LeadRecord, "disqualifyReason">,
  qualified: boolean,
  reason: string,
): QualificationDecision | null {
  const why = reason.trim();
  if (!qualified && !why) throw new InvalidArgument("reason", "reason: is required to disqualify a lead");
  assertLeadChangeable(lead, qualified ? "qualified" : "disqualified");
  const to: LeadStatus = qualified ? "qualified" : "disqualified";
  if (lead.status === to && (qualified || lead.disqualifyReason === why)) return null;
  if (lead.status !== to && !canTransition(lead.status, to)) {
    throw new StateConflict(`a ${lead.status} lead cannot become ${to}`);
  }
  return { status: to, disqualifyReason: qualified ? "" : why, event: to };
}

/** Whether a lead may start a conversion; a converted one is handled by returning its result. */
export function assertConvertible(lead: LeadState): void {
  if (lead.status === "disqualified") {
    throw new StateConflict("a disqualified lead cannot be converted; qualify it first");
  }
  if (!lead.conversion && !canTransition(lead.status, "converted")) {
    throw new StateConflict(`a ${lead.status} lead cannot be converted`);
  }
}

export interface ConversionRequest {
  opportunityName: string;
  amount?: Money;
  expectedCloseDate: string;
  existingAccountId: string;
}

export interface ConversionIds {
  accountId: string;
  contactId: string;
  opportunityId: string;
}

export function defaultOpportunityName(lead: Pick<LeadRecord, "company" | "firstName" | "lastName">): string {
  return `${lead.company.trim() || fullName(lead)} deal`.slice(0, 200);
}

/**
 * The plan claimed on the lead before anything is created: fresh ids (or the existing
 * account), and the opportunity's name, amount, close date and first stage, fixed now so that
 * any later attempt creates exactly the same records.
 */
export function planConversion(
  lead: Pick<LeadRecord, "company" | "firstName" | "lastName">,
  request: ConversionRequest,
  firstStage: PipelineStage,
  ids: ConversionIds,
  by: { actorId: string; requestId: string },
  now: Date,
): ConversionPlan {
  return {
    accountId: request.existingAccountId || ids.accountId,
    contactId: ids.contactId,
    opportunityId: ids.opportunityId,
    createsAccount: !request.existingAccountId,
    opportunityName: request.opportunityName.trim() || defaultOpportunityName(lead),
    ...(request.amount ? { amount: { ...request.amount } } : {}),
    expectedCloseDate: request.expectedCloseDate,
    stageId: firstStage.id,
    probability: firstStage.probability,
    actorId: by.actorId,
    requestId: by.requestId,
    claimedAt: now,
  };
}

type Draft<T> = Omit<T, "idempotencyKey" | "requestHash">;

export interface ConversionDrafts {
  account?: Draft<AccountRecord>;
  contact: Draft<ContactRecord>;
  opportunity: Draft<OpportunityRecord>;
}

/**
 * The records a conversion creates, computed only from the lead and its plan, so that every
 * attempt (concurrent, repeated or after a crash) builds the same documents with the same ids.
 */
export function conversionDrafts(lead: LeadRecord, plan: ConversionPlan): ConversionDrafts {
  const base = { tenantId: lead.tenantId, version: 1, createdAt: plan.claimedAt, updatedAt: plan.claimedAt };
  const account: Draft<AccountRecord> | undefined = plan.createsAccount
    ? {
        ...base,
        _id: plan.accountId,
        name: (lead.company.trim() || fullName(lead)).slice(0, 200),
        parentAccountId: "",
        industry: lead.industry,
        // The account starts where the lead was, with its placement's inputs.
        territory: lead.territory ?? "",
        country: lead.country ?? "",
        region: lead.region ?? "",
        employeeCount: lead.employeeCount ?? 0,
        ownerId: lead.ownerId,
        website: "",
        // The partner's key named the lead, not what it became.
        externalId: "",
      }
    : undefined;
  const contact: Draft<ContactRecord> = {
    ...base,
    _id: plan.contactId,
    accountId: plan.accountId,
    firstName: lead.firstName,
    lastName: lead.lastName,
    email: lead.email,
    phone: lead.phone,
    title: lead.title,
    ownerId: lead.ownerId,
    externalId: "",
  };
  const opportunity: Draft<OpportunityRecord> = {
    ...base,
    _id: plan.opportunityId,
    accountId: plan.accountId,
    contactId: plan.contactId,
    name: plan.opportunityName,
    stageId: plan.stageId,
    probability: plan.probability,
    ...(plan.amount ? { amount: { ...plan.amount } } : {}),
    expectedCloseDate: plan.expectedCloseDate,
    status: "open",
    closeReason: "",
    ownerId: lead.ownerId,
    stageHistory: [openingStageChange(plan.stageId, plan.actorId, plan.claimedAt)],
    leadId: lead._id,
    competitorIds: [],
    lostToCompetitorId: "",
    primaryQuoteId: "",
  };
  return { account, contact, opportunity };
}

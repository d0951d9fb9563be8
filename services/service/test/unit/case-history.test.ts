import { AccountChanged, ContactChanged } from "@relata/proto/events/v1/sales";
import { CaseChanged, CaseCsatGiven, SlaAlert, SlaMetric } from "@relata/proto/events/v1/service";
import { CasePriority, CaseStatus, type Case } from "@relata/proto/service/v1/case";
import { historyEntryFor } from "../../src/events/case-history";
import { salesRefFor } from "../../src/events/sales-refs";

const occurredAt = "2026-03-01T09:30:00.000Z";
const meta = (type: string, entityId = "case-1") => ({ id: `evt-${type}`, type, tenantId: "acme", entityId, actorId: "agent-1", requestId: "", occurredAt });
const supportCase = (extra: Partial<Case> = {}): Case =>
  CaseChanged.fromPartial({
    case: { id: "case-1", number: "CS-000042", status: CaseStatus.CASE_STATUS_IN_PROGRESS, priority: CasePriority.CASE_PRIORITY_HIGH, ownerId: "agent-2", queueId: "printers", ...extra },
  }).case!;

describe("the case history's entries", () => {
  it("takes the case as the event left it, the event's id, type, actor and time", () => {
    const data = CaseChanged.encode({ meta: meta("service.case.assigned"), case: supportCase() }).finish();
    expect(historyEntryFor("service.case.assigned", data)).toEqual({
      _id: "evt-service.case.assigned",
      tenantId: "acme",
      caseId: "case-1",
      kind: "service.case.assigned",
      summary: "Assigned to agent-2 (queue printers)",
      actorId: "agent-1",
      occurredAt: new Date(occurredAt),
      status: "in_progress",
      ownerId: "agent-2",
      queueId: "printers",
      priority: "high",
    });
  });

  it("words each lifecycle step", () => {
    const line = (subject: string, c: Case = supportCase()) => historyEntryFor(subject, CaseChanged.encode({ meta: meta(subject), case: c }).finish())?.summary;
    expect(line("service.case.opened", supportCase({ ownerId: "" }))).toBe("Case CS-000042 opened in queue printers");
    expect(line("service.case.status_changed", supportCase({ status: CaseStatus.CASE_STATUS_WAITING_ON_CUSTOMER }))).toBe("Status changed to waiting_on_customer");
    expect(line("service.case.resolved", supportCase({ resolution: "Replaced the fuser" }))).toBe("Resolved: Replaced the fuser");
    expect(line("service.case.reopened")).toBe("Reopened");
    const csat = CaseCsatGiven.encode(CaseCsatGiven.fromPartial({ meta: meta("service.case.csat_given"), case: supportCase(), feedback: { caseId: "case-1", score: 2 } })).finish();
    expect(historyEntryFor("service.case.csat_given", csat)?.summary).toBe("Customer satisfaction 2/5");
  });

  it("takes SLA alerts by their case, with the metric", () => {
    const alert = SlaAlert.encode(SlaAlert.fromPartial({ meta: meta("service.sla.breached", "timer-1"), caseId: "case-9", metric: SlaMetric.SLA_METRIC_FIRST_RESPONSE })).finish();
    expect(historyEntryFor("service.sla.breached", alert)).toMatchObject({ caseId: "case-9", kind: "service.sla.breached", summary: "SLA breached: first response" });
  });

  it("reads a case subject it does not know for its envelope, and ignores events about no case", () => {
    const unknown = SlaAlert.encode(SlaAlert.fromPartial({ meta: meta("service.case.merged", "case-3"), caseId: "not a case snapshot" })).finish();
    expect(historyEntryFor("service.case.merged", unknown)).toMatchObject({ caseId: "case-3", summary: "Case merged" });
    expect(historyEntryFor("service.appointment.booked", unknown)).toBeNull();
  });
});

describe("the copy of Sales' accounts and contacts", () => {
  it("keeps a contact's account, whether it is deleted, and the version", () => {
    const contact = ContactChanged.encode(ContactChanged.fromPartial({ meta: meta("sales.contact.deleted", "con-1"), contact: { id: "con-1", accountId: "acc-1", version: "3" } })).finish();
    expect(salesRefFor("sales.contact.deleted", contact)).toEqual({ _id: "con-1", tenantId: "acme", type: "contact", accountId: "acc-1", deleted: true, version: 3 });
    const account = AccountChanged.encode(AccountChanged.fromPartial({ meta: meta("sales.account.restored", "acc-1"), account: { id: "acc-1", version: "5" } })).finish();
    expect(salesRefFor("sales.account.restored", account)).toEqual({ _id: "acc-1", tenantId: "acme", type: "account", accountId: "", deleted: false, version: 5 });
  });
});

import { CaseChanged, CaseCsatGiven, CasePublicReplyAdded } from "@relata/proto/events/v1/service";
import { CaseStatus, type Case } from "@relata/proto/service/v1/case";
import { CommentVisibility } from "@relata/proto/service/v1/comment";
import { SERVICE_CASE_SUBJECTS, serviceTimelineDurable, timelineEntryFor, timelineFacts } from "../../src/events/timeline";

/** The Service's case events as they arrive on the SERVICE stream, and the entries they make on an account's timeline. */
const occurredAt = "2026-03-01T09:30:00.000Z";
const meta = (type: string, id = `evt-${type}`) => ({ id, type, tenantId: "acme", entityId: "case-1", actorId: "agent-1", requestId: "req-1", occurredAt });
const supportCase = (extra: Partial<Case> = {}): Case =>
  CaseChanged.fromPartial({ case: { id: "case-1", tenantId: "acme", number: "CS-000042", subject: "Printer jam", accountId: "acc-1", status: CaseStatus.CASE_STATUS_NEW, ...extra } }).case!;

const changed = (subject: string, c: Case = supportCase()) => CaseChanged.encode({ meta: meta(subject), case: c }).finish();
const entryOf = (subject: string, data: Uint8Array) => timelineEntryFor(subject, timelineFacts(subject, data));

describe("the Service's case events on an account's timeline", () => {
  it("takes the opened, resolved, closed, reopened, public reply and CSAT subjects, on its own durable", () => {
    expect(Object.keys(SERVICE_CASE_SUBJECTS).sort()).toEqual(
      ["service.case.closed", "service.case.csat_given", "service.case.opened", "service.case.public_reply_added", "service.case.reopened", "service.case.resolved"],
    );
    expect(serviceTimelineDurable("sales-timeline")).toBe("sales-timeline-service");
  });

  it("makes one entry per event about the account's case, keyed by the event id, the case as its record", () => {
    expect(entryOf("service.case.opened", changed("service.case.opened"))).toEqual({
      _id: "evt-service.case.opened",
      tenantId: "acme",
      accountId: "acc-1",
      kind: "service.case.opened",
      summary: 'Case CS-000042 opened: "Printer jam"',
      record: { type: "service.case", id: "case-1" },
      actorId: "agent-1",
      occurredAt: new Date(occurredAt),
    });
    expect(entryOf("service.case.resolved", changed("service.case.resolved", supportCase({ resolution: "Cleared the tray" })))?.summary).toBe(
      "Case CS-000042 resolved: Cleared the tray",
    );
    expect(entryOf("service.case.closed", changed("service.case.closed"))?.summary).toBe("Case CS-000042 closed");
    expect(entryOf("service.case.reopened", changed("service.case.reopened"))?.summary).toBe("Case CS-000042 reopened");
  });

  it("reads a public reply and a CSAT (which start as a CaseChanged) with what they add", () => {
    const reply = CasePublicReplyAdded.encode({
      meta: meta("service.case.public_reply_added"),
      case: supportCase(),
      comment: { id: "com-1", tenantId: "acme", caseId: "case-1", visibility: CommentVisibility.COMMENT_VISIBILITY_PUBLIC, authorId: "agent-1", body: "On it", createdAt: occurredAt },
    }).finish();
    expect(entryOf("service.case.public_reply_added", reply)).toMatchObject({ kind: "service.case.public_reply_added", summary: "Public reply on case CS-000042", accountId: "acc-1" });
    const csat = CaseCsatGiven.encode({
      meta: meta("service.case.csat_given"),
      case: supportCase({ status: CaseStatus.CASE_STATUS_RESOLVED }),
      feedback: { caseId: "case-1", tenantId: "acme", score: 4, comment: "", givenBy: "agent-1", givenAt: occurredAt },
    }).finish();
    expect(entryOf("service.case.csat_given", csat)?.summary).toBe("Case CS-000042 rated 4/5 by the customer");
  });

  it("makes no entry for a case on no account, nor for a case event the timeline does not show", () => {
    expect(entryOf("service.case.opened", changed("service.case.opened", supportCase({ accountId: "" })))).toBeNull();
    expect(timelineFacts("service.case.status_changed", changed("service.case.status_changed"))).toBeNull();
    expect(timelineFacts("service.case.assigned", changed("service.case.assigned"))).toBeNull();
  });
});

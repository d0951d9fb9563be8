import { StateConflict } from "@relata/platform";
import { assertAllowed, assertEditable, assertEndAhead, assertSchedulable, sameDecision } from "../../src/domain/campaign-lifecycle";
import { countDecision, decideMember, emptyLaunchReport } from "../../src/domain/launch";
import type { CampaignStatus, ConsentStatus, MarketingChannel } from "../../src/domain/types";

const consents = (entries: [MarketingChannel, ConsentStatus][]) => new Map(entries);
const withBoth = { email: "ada@example.com", phone: "+44 20 7946 0000" };

describe("who a launch may reach, per channel", () => {
  it("drops a channel whose consent was withdrawn, and keeps one granted or never recorded", () => {
    const d = decideMember(withBoth, ["email", "phone", "sms"], consents([["email", "withdrawn"], ["phone", "granted"]]));
    expect(d).toEqual({ channels: ["phone", "sms"], withdrawn: ["email"], noEmail: false, noPhone: false });
  });

  it("needs an email address for email, a phone number for phone and SMS, and nothing for post", () => {
    expect(decideMember({ email: "", phone: "" }, ["email", "phone", "sms", "post"], undefined)).toEqual({ channels: ["post"], withdrawn: [], noEmail: true, noPhone: true });
  });

  it("counts people: members, the excluded, and once per reason", () => {
    const report = emptyLaunchReport();
    countDecision(report, decideMember(withBoth, ["email", "phone"], undefined));
    countDecision(report, decideMember({ email: "", phone: "+1 555 0100" }, ["email", "phone"], consents([["phone", "withdrawn"]])));
    countDecision(report, decideMember({ email: "bo@example.com", phone: "" }, ["email", "phone"], consents([["email", "withdrawn"]])));
    countDecision(report, decideMember({ email: "cy@example.com", phone: "" }, ["email", "phone"], undefined));
    expect(report).toEqual({ ...emptyLaunchReport(), members: 2, excluded: 2, consentWithdrawnEmail: 1, consentWithdrawnPhone: 1, noEmail: 1, noPhone: 2 });
  });
});

describe("the campaign lifecycle's rules", () => {
  const campaign = (status: CampaignStatus) => ({ _id: "c1", status });

  it.each([
    ["schedule", "draft", true],
    ["schedule", "scheduled", false],
    ["launch", "scheduled", true],
    ["launch", "running", false],
    ["complete", "running", true],
    ["complete", "scheduled", false],
    ["cancel", "running", true],
    ["cancel", "completed", false],
  ] as const)("%s from %s: allowed %s", (action, status, allowed) => {
    const attempt = () => assertAllowed(campaign(status), action);
    if (allowed) expect(attempt).not.toThrow();
    else expect(attempt).toThrow(new RegExp(`cannot ${action} a campaign that is ${status}`));
  });

  it("refuses to schedule without both instants, with an end past, or without a channel: a conflict naming the field", () => {
    const now = new Date("2027-01-01T00:00:00Z");
    const fieldOf = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(StateConflict);
        return (err as StateConflict).field;
      }
      return undefined;
    };
    expect(fieldOf(() => assertSchedulable({ endsAt: new Date("2027-02-01T00:00:00Z"), channels: ["email"] }, now))).toBe("starts_at");
    expect(fieldOf(() => assertSchedulable({ startsAt: new Date("2026-12-01T00:00:00Z"), endsAt: new Date("2026-12-31T00:00:00Z"), channels: ["email"] }, now))).toBe("ends_at");
    expect(fieldOf(() => assertSchedulable({ startsAt: now, endsAt: new Date("2027-02-01T00:00:00Z"), channels: [] }, now))).toBe("channels");
    expect(fieldOf(() => assertSchedulable({ startsAt: now, endsAt: new Date("2027-02-01T00:00:00Z"), channels: ["post"] }, now))).toBeUndefined();
  });

  it("freezes a running campaign's targets, channels and start, not its end or cost", () => {
    expect(() => assertEditable(campaign("running"), ["channels"])).toThrow(StateConflict);
    expect(() => assertEditable(campaign("running"), ["segmentIds"])).toThrow("segment_ids cannot change once a campaign is running");
    expect(() => assertEditable(campaign("running"), ["actualCost", "endsAt", "name"])).not.toThrow();
    expect(() => assertEditable(campaign("completed"), ["endsAt"])).toThrow(StateConflict);
    expect(() => assertEditable(campaign("scheduled"), ["startsAt", "channels", "listIds"])).not.toThrow();
  });

  it("keeps a scheduled or running campaign's end ahead", () => {
    const now = new Date("2027-01-01T00:00:00Z");
    expect(() => assertEndAhead(campaign("running"), { endsAt: new Date("2026-12-31T00:00:00Z") }, now)).toThrow("must be in the future");
    expect(() => assertEndAhead(campaign("draft"), { endsAt: new Date("2026-12-31T00:00:00Z") }, now)).not.toThrow();
  });

  it("tells a schedule set for other instants", () => {
    const startsAt = new Date("2027-01-01T00:00:00Z");
    const endsAt = new Date("2027-01-02T00:00:00Z");
    expect(sameDecision({ startsAt, endsAt }, { startsAt: new Date(startsAt), endsAt: new Date(endsAt) })).toBe(true);
    expect(sameDecision({ startsAt, endsAt }, { startsAt, endsAt: new Date("2027-01-03T00:00:00Z") })).toBe(false);
  });
});

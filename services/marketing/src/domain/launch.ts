import type { LaunchReportRecord } from "../resources";
import type { AudiencePerson, ConsentStatus, MarketingChannel } from "./types";

/**
 * Which of the campaign's channels may reach one person at launch: not one whose consent the
 * person withdrew (no record means not withdrawn), email only with an email address, phone and
 * SMS only with a phone number. Post is allowed as is: the audience keeps no postal address, so
 * a post campaign's mailing is matched to addresses outside Marketing.
 */
export interface MemberDecision {
  channels: MarketingChannel[];
  withdrawn: MarketingChannel[];
  noEmail: boolean;
  noPhone: boolean;
}

export function decideMember(person: Pick<AudiencePerson, "email" | "phone">, channels: readonly MarketingChannel[], consents: ReadonlyMap<MarketingChannel, ConsentStatus> | undefined): MemberDecision {
  const decision: MemberDecision = { channels: [], withdrawn: [], noEmail: false, noPhone: false };
  for (const channel of channels) {
    if (consents?.get(channel) === "withdrawn") {
      decision.withdrawn.push(channel);
    } else if (channel === "email" && !person.email) {
      decision.noEmail = true;
    } else if ((channel === "phone" || channel === "sms") && !person.phone) {
      decision.noPhone = true;
    } else {
      decision.channels.push(channel);
    }
  }
  return decision;
}

export const emptyLaunchReport = (): LaunchReportRecord => ({
  members: 0,
  excluded: 0,
  consentWithdrawnEmail: 0,
  consentWithdrawnPhone: 0,
  consentWithdrawnSms: 0,
  consentWithdrawnPost: 0,
  noEmail: 0,
  noPhone: 0,
});

const WITHDRAWN_COUNT = {
  email: "consentWithdrawnEmail",
  phone: "consentWithdrawnPhone",
  sms: "consentWithdrawnSms",
  post: "consentWithdrawnPost",
} as const satisfies Record<MarketingChannel, keyof LaunchReportRecord>;

/** Counts one person's decision into the report (people, not channels: a person counts once per reason). */
export function countDecision(report: LaunchReportRecord, d: MemberDecision): void {
  if (d.channels.length > 0) report.members++;
  else report.excluded++;
  for (const channel of d.withdrawn) report[WITHDRAWN_COUNT[channel]]++;
  if (d.noEmail) report.noEmail++;
  if (d.noPhone) report.noPhone++;
}

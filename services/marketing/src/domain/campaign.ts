import { InvalidArgument } from "@relata/platform";

/** A campaign ends after it starts. */
export function assertCampaignDates(c: { startsAt?: Date | null; endsAt?: Date | null }): void {
  if (c.startsAt && c.endsAt && c.endsAt.getTime() <= c.startsAt.getTime()) {
    throw new InvalidArgument("ends_at", "must be after starts_at");
  }
}

import { insertOnce, type Actor, type PublishAfterWrite } from "@relata/platform";
import type { ConsentChangeRecord } from "../domain/consent";
import { consentEvent } from "../events/builders";
import { followLatestChange } from "../store/consents";
import type { MarketingModels } from "../store/models";

/**
 * Records one change of consent: the history entry is inserted once under its unique `_id`
 * (the one atomic step; its event waits in its outbox), then the current consent is made to
 * follow the latest change by `at`. Answers whether this call inserted it (false: an earlier or
 * concurrent attempt did, e.g. a redelivered event), after making the current consent follow
 * either way, so that a crash between the two steps is repaired by the retry.
 */
export async function recordConsentChange(models: MarketingModels, change: ConsentChangeRecord, actor: Actor, publish: PublishAfterWrite): Promise<boolean> {
  const inserted = await insertOnce(models.consentChanges, { record: change, actor, events: (r, a) => [consentEvent(r, a)] }, publish);
  await followLatestChange(models, change.tenantId, change.personId, change.channel);
  return inserted;
}

import type { EventBus, Logger, PublishAfterWrite } from "@relata/platform";
import type { AudienceReader } from "../domain/types";
import type { UnsubscribeLinks } from "../consent/links";
import type { MarketingModels } from "../store/models";
import type { MarketingRepositories } from "../store/repositories";

/** What the gRPC handlers are built from (wired in main.ts). */
export interface MarketingDeps {
  repos: MarketingRepositories;
  models: MarketingModels;
  /** Nudges the outbox relay after a write of a document with pending events. */
  publish: PublishAfterWrite;
  bus: EventBus;
  logger: Logger;
  /** The audience: Marketing's copy of Sales' people, which segments and launches read. */
  audience: AudienceReader;
  /** Signs and verifies the unsubscribe links (the secret only Marketing holds). */
  unsubscribeLinks: UnsubscribeLinks;
}

import type { EventBus, Logger, Sequence } from "@relata/platform";
import type { CommerceModels, CommerceRepositories } from "../store/commerce";
import type { SalesRepositories } from "../store/repositories";

/** What the catalogue, quote and order handlers and workflows are built from (wired in main.ts). */
export interface CommerceDeps {
  repos: SalesRepositories;
  logger: Logger;
  commerce: CommerceRepositories;
  commerceModels: CommerceModels;
  numbers: Sequence;
  bus: EventBus;
  /**
   * Test-only (QUOTE_EXPIRY_TEST_DELAY_MS): a quote's expiry schedule fires this many ms after it
   * is set (or at its real instant if that is sooner) instead of at the start of the day after
   * valid_until. 0, the default and the only production value: never.
   */
  expiryTestDelayMs: number;
}

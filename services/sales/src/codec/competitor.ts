import { toMessage } from "@relata/platform/resource";
import type { Competitor } from "@relata/proto/sales/v1/competitor";
import type { CompetitorRecord } from "../domain/competitor";
import { competitor } from "../resources";

export const toCompetitor = (r: CompetitorRecord): Competitor => toMessage(competitor, r);

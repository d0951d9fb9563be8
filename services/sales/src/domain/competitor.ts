import type { ResourceRecord } from "@relata/platform/resource";
import type { competitor } from "../resources";

/** A competitor: a company the tenant meets on its deals. */
export type CompetitorRecord = ResourceRecord<typeof competitor.fields>;

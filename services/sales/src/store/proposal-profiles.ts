import { actorOf, insertOnce, NO_PUBLISH, NotFound, updateVersioned, VersionConflict, type CallerOrActor } from "@relata/platform";
import type { Model } from "mongoose";
import type { ProposalProfileFields, ProposalProfileRecord } from "../domain/proposal";

/** A profile as read: the stored one, or an empty one (version 0) until the tenant saves one. */
export interface CurrentProposalProfile extends ProposalProfileFields {
  version: number;
}

export type ProposalProfileChange = Omit<ProposalProfileFields, "tenantId">;

/** One proposal profile per tenant (`_id` = tenant id), written like the pipeline. */
export class ProposalProfiles {
  constructor(private readonly model: Model<ProposalProfileRecord>) {}

  async current(caller: CallerOrActor): Promise<CurrentProposalProfile> {
    const { tenantId } = actorOf(caller);
    const doc = await this.model.findOne({ _id: tenantId, tenantId }).lean<ProposalProfileRecord>();
    return doc ? view(doc) : { tenantId, companyName: "", addressLines: [], taxId: "", defaultTerms: "", defaultLanguage: "", version: 0 };
  }

  /**
   * Replaces the profile under optimistic concurrency: `expectedVersion` undefined replaces
   * whatever is there; 0 only while nothing is stored (the insert of the tenant's fixed `_id`
   * decides, atomic in FerretDB too); another version must be the stored one.
   */
  async replace(caller: CallerOrActor, expectedVersion: number | undefined, change: ProposalProfileChange): Promise<CurrentProposalProfile> {
    const actor = actorOf(caller);
    const tenantId = actor.tenantId;
    if (expectedVersion === undefined || expectedVersion === 0) {
      const first: ProposalProfileRecord = { _id: tenantId, tenantId, ...change, version: 1, updatedAt: new Date() };
      if (await insertOnce(this.model, { record: first, actor, events: () => [] }, NO_PUBLISH)) return view(first);
      if (expectedVersion === 0) throw new VersionConflict("proposal profile", tenantId);
    }
    try {
      const saved = await updateVersioned(
        this.model,
        // updateVersioned reads an expected version of 0 as "no check", which is what undefined asks here.
        { what: "proposal profile", id: tenantId, actor, expectedVersion: expectedVersion ?? 0, decide: () => ({ set: change, events: () => [] }) },
        NO_PUBLISH,
      );
      return view(saved);
    } catch (err) {
      // A version named while nothing is stored names a version that never was.
      if (err instanceof NotFound) throw new VersionConflict("proposal profile", tenantId);
      throw err;
    }
  }
}

function view(r: ProposalProfileRecord): CurrentProposalProfile {
  return {
    tenantId: r.tenantId,
    companyName: r.companyName ?? "",
    addressLines: r.addressLines ?? [],
    taxId: r.taxId ?? "",
    defaultTerms: r.defaultTerms ?? "",
    defaultLanguage: r.defaultLanguage ?? "",
    version: r.version,
  };
}

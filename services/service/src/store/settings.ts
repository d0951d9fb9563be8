import { actorOf, insertOnce, NO_PUBLISH, NotFound, updateVersioned, VersionConflict, type CallerOrActor } from "@relata/platform";
import type { Model } from "mongoose";
import { DEFAULT_SETTINGS, type CurrentSettings, type SettingsRecord } from "../domain/settings";

/** One settings document per tenant (`_id` = tenant id); the defaults until the tenant sets them. */
export class ServiceSettingsStore {
  constructor(private readonly model: Model<SettingsRecord>) {}

  async current(caller: CallerOrActor): Promise<CurrentSettings> {
    const { tenantId } = actorOf(caller);
    const doc = await this.model.findOne({ _id: tenantId, tenantId }).lean<SettingsRecord>();
    return doc ? { reopenWindowDays: doc.reopenWindowDays, version: doc.version } : { ...DEFAULT_SETTINGS };
  }

  /**
   * Replaces the settings (already checked) under optimistic concurrency: `expectedVersion`
   * undefined replaces whatever is there; 0 only while the defaults are in use (the insert of
   * the tenant's fixed `_id` decides, atomic in FerretDB too); another must be the stored one.
   */
  async replace(caller: CallerOrActor, expectedVersion: number | undefined, settings: Omit<CurrentSettings, "version">): Promise<CurrentSettings> {
    const actor = actorOf(caller);
    const tenantId = actor.tenantId;
    if (expectedVersion === undefined || expectedVersion === 0) {
      const first: SettingsRecord = { _id: tenantId, tenantId, ...settings, version: 1, updatedAt: new Date() };
      if (await insertOnce(this.model, { record: first, actor, events: () => [] }, NO_PUBLISH)) return { ...settings, version: 1 };
      if (expectedVersion === 0) throw new VersionConflict("service settings", tenantId);
    }
    try {
      const saved = await updateVersioned(
        this.model,
        // An expected version of 0 is "no check" to updateVersioned: what undefined asks here.
        { what: "service settings", id: tenantId, actor, expectedVersion: expectedVersion ?? 0, decide: () => ({ set: { ...settings }, events: () => [] }) },
        NO_PUBLISH,
      );
      return { reopenWindowDays: saved.reopenWindowDays, version: saved.version };
    } catch (err) {
      // A version named while only the defaults exist names a version that was never stored.
      if (err instanceof NotFound) throw new VersionConflict("service settings", tenantId);
      throw err;
    }
  }
}

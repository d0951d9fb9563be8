import { claimAll, NOT_DELETED, release, sweepAbandoned, StateConflict, type Claim } from "@relata/platform";
import type { Model } from "mongoose";
import { slotKey, slotKeys, slotOfKey, SLOT_MS, type Interval } from "../domain/scheduling";
import type { AppointmentRecord } from "../domain/types";

/**
 * The slots appointments hold: slot s of resource r is the claim `<r>:<s as ISO>` held by the
 * appointment's id. A booking claims every slot of its appointment before the appointment is
 * written (all or none: two bookings never share a slot, whatever the concurrency), and a
 * cancel or delete releases them after it is written. A crash between the two steps leaves
 * claims whose appointment is missing, cancelled or deleted: the next booking of such a slot,
 * or the sweep, releases them (a missing appointment's only after the grace period, as its
 * booking may still be writing it).
 */
export class AppointmentSlots {
  constructor(
    private readonly claims: Model<Claim>,
    private readonly appointments: Model<AppointmentRecord>,
    private readonly graceMs: number,
  ) {}

  /** Claims the slots for the appointment, or throws a 409 naming the first slot held and its appointment. */
  async claim(tenantId: string, resourceId: string, interval: Interval, appointmentId: string): Promise<void> {
    const result = await claimAll(this.claims, {
      tenantId,
      keys: slotKeys(resourceId, interval),
      holder: appointmentId,
      abandoned: (claim) => this.abandoned(tenantId, claim),
    });
    if (result.claimed) return;
    const slot = slotOfKey(result.conflict.key).toISOString();
    const by = result.conflict.holder ? ` by appointment ${result.conflict.holder}` : "";
    throw new StateConflict(`start: the resource is already booked in the slot starting ${slot}${by}`, "start");
  }

  /** Releases every slot the appointment holds. */
  release(tenantId: string, appointmentId: string): Promise<number> {
    return release(this.claims, { tenantId, holder: appointmentId });
  }

  /** The slots of the resource held in a range (booked, being booked, or left by a crash until released), as intervals. */
  async held(tenantId: string, resourceId: string, range: Interval): Promise<Interval[]> {
    const first = new Date(Math.floor(range.start.getTime() / SLOT_MS) * SLOT_MS);
    const keys = await this.claims
      .find({ tenantId, key: { $gte: slotKey(resourceId, first), $lt: slotKey(resourceId, range.end) } }, { key: 1 })
      .lean<Pick<Claim, "key">[]>();
    return keys.map(({ key }) => {
      const start = slotOfKey(key);
      return { start, end: new Date(start.getTime() + SLOT_MS) };
    });
  }

  /** Releases, across tenants, the claims whose appointment is not booked any more or never came to be. */
  sweep(now = new Date()): Promise<number> {
    return sweepAbandoned(
      this.claims,
      this.graceMs,
      async (tenantId, holders) => {
        const live = await this.appointments
          .find({ tenantId, _id: { $in: holders }, status: "booked", ...NOT_DELETED }, { _id: 1 })
          .lean<Pick<AppointmentRecord, "_id">[]>();
        return new Set(live.map((a) => a._id));
      },
      now,
    );
  }

  /** Whether a claim in the way is left over: its appointment was cancelled or deleted, or is still missing after the grace period. */
  private async abandoned(tenantId: string, claim: Claim): Promise<boolean> {
    const holder = await this.appointments.findOne({ tenantId, _id: claim.holder }, { status: 1, deletedAt: 1 }).lean<Pick<AppointmentRecord, "status" | "deletedAt">>();
    if (!holder) return Date.now() - claim.claimedAt.getTime() > this.graceMs;
    return holder.status !== "booked" || holder.deletedAt !== undefined;
  }
}

import { z } from "zod";
import type { Actor } from "../actor";
import type { PendingEvent } from "../events/outbox";
import type { CallContext } from "../grpc/service";
import { expectedVersion, id, validate } from "../validation";
import type { BaseRecord } from "./records";
import type { DeleteOptions, Repository, RestoreOptions } from "./repository";

/** DeleteX and RestoreX take the same request: the record's id and the version the caller read. */
export const RecycleBinInput = z.object({ id: id(), expectedVersion: expectedVersion() });

export interface RecycleBinRequest {
  id: string;
  expectedVersion: string;
}

export interface RecycleBinHandlers<P> {
  delete(request: RecycleBinRequest, ctx: CallContext): Promise<P>;
  restore(request: RecycleBinRequest, ctx: CallContext): Promise<P>;
}

/**
 * The DeleteX and RestoreX handlers of a resource: validated at the boundary, bound to the
 * caller's tenant, reporting `deleted` / `restored` with the record's snapshot, and answering
 * the record as it is after the change.
 */
export function recycleBinHandlers<T extends BaseRecord, P>(
  records: Repository<T>,
  toProto: (record: T) => P,
  event: (kind: "deleted" | "restored", record: T, actor: Actor) => PendingEvent,
  options: { delete?: Omit<DeleteOptions<T>, "events">; restore?: RestoreOptions<T> } = {},
): RecycleBinHandlers<P> {
  return {
    async delete(request, ctx) {
      const input = validate(RecycleBinInput, request);
      const deleted = await records.in(ctx).delete(input.id, input.expectedVersion, {
        ...options.delete,
        events: (r, actor) => [event("deleted", r, actor)],
      });
      return toProto(deleted);
    },
    async restore(request, ctx) {
      const input = validate(RecycleBinInput, request);
      return toProto(await records.in(ctx).restore(input.id, input.expectedVersion, (r, actor) => [event("restored", r, actor)], options.restore));
    },
  };
}

import type { CallContext } from "./grpc/service";

/** Who asked for a change, as the events it causes name them. */
export interface Actor {
  tenantId: string;
  actorId: string;
  requestId: string;
}

/**
 * The caller of a gRPC call as an Actor (the tenant comes from call metadata only), or an
 * Actor as given: a workflow resuming work on behalf of the caller who started it.
 */
export function actorOf(caller: CallContext | Actor): Actor {
  if ("identity" in caller) {
    const { tenantId, subject, requestId } = caller.identity;
    return { tenantId, actorId: subject, requestId };
  }
  return caller;
}

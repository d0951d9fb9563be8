import type { Identity } from "@relata/platform";
import type { Response } from "express";
import type { Caller } from "../auth/verifier";

/** What the middleware chain learns about one request, kept on `res.locals`. */
export interface RequestState {
  requestId: string;
  /** When the request must be answered; every gRPC call it makes carries this deadline. */
  deadline: Date;
  /** Aborted when the client goes away before the answer; cancels in-flight gRPC calls. */
  signal: AbortSignal;
  caller?: Caller;
  identity?: Identity;
}

const KEY = "relata";

export function stateOf(res: Response): RequestState {
  const state = res.locals[KEY] as RequestState | undefined;
  if (!state) throw new Error("request state missing: requestContext middleware not installed");
  return state;
}

export function initState(res: Response, state: RequestState): void {
  res.locals[KEY] = state;
}

import type { BackendClients } from "../../src/backends";

/**
 * Clients of every backend for a test that calls none of them (or only those it gives itself:
 * `{ ...noClients(), sales }`): a test needs no change when a backend is added.
 */
export const noClients = (): BackendClients => ({}) as BackendClients;

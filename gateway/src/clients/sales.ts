import { promiseClients, type PromiseClients } from "@relata/platform";
import type { Client } from "@grpc/grpc-js";
import { salesServices } from "@relata/proto";

/** Promise clients of every Sales service, sharing one channel. */
export type SalesClients = PromiseClients<typeof salesServices>;

export function salesClients(channel: Client, defaultTimeoutMs: number): SalesClients {
  return promiseClients(salesServices, channel, { defaultTimeoutMs });
}

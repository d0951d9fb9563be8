import { openChannel, promiseClients, type PromiseClients, type ServiceDefinition } from "@relata/platform";

/** Promise clients of a service map, on one channel that `close()` ends. */
export type ClosableClients<M extends Record<string, ServiceDefinition>> = PromiseClients<M> & { close: () => void };

/**
 * Promise clients of every service in `services` (a service's map by short name, such as the one
 * its package exports as `<name>/client`) at `address`, on one channel that `close()` ends.
 */
export function clientsAt<M extends Record<string, ServiceDefinition>>(services: M, address: string, defaultTimeoutMs = 15_000): ClosableClients<M> {
  const channel = openChannel(address);
  return { ...promiseClients(services, channel, { defaultTimeoutMs }), close: () => channel.close() };
}

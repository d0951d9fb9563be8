import type { EventMeta } from "../events/envelope";
import { RESOURCE_EVENTS } from "../resource/access";
import { toJson } from "../resource/gateway";
import type { AnyResource, Resource } from "../resource/resource";

/**
 * The events of a backend that partners' webhooks may subscribe to: each service declares its
 * own beside its resources (`src/public-events.ts`, the `events` of its BackendSpec) and
 * Integrations' webhook catalogue gathers them. Internal subjects (message schedules, `*_due`
 * timers) are not declared: they are not subscribable.
 */
export interface PublicEvent {
  type: string;
  /** The stream it is published on. */
  stream: string;
  /** The proto message's name (as docs/events.md names it). */
  message: string;
  /** An event of this type carrying only its envelope (for tests). */
  sample(meta: EventMeta): Uint8Array;
  /**
   * The payload's `data` for a webhook: `record` ({type, id}) and the record's snapshot under its
   * resource's name (the API's JSON where the event carries a described resource).
   */
  data(bytes: Uint8Array): { meta: EventMeta | undefined; data: Record<string, unknown> };
}

/** A ts-proto message's codec, as the generated module exports it. */
interface MessageCodec<T> {
  decode(input: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
  fromPartial(object: object): T;
}

/** A decoded message as JSON: ts-proto's objects are plain (strings for int64, enums and timestamps); bytes become base64. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, plain(v)]));
  return value;
}

/**
 * The public events carried by one message of a generated events module: `types` are their
 * subjects; `described` names the message's field holding a described resource's snapshot,
 * which the webhook payload renders as the API's JSON (otherwise the message's fields as they are).
 */
export function publicEvents<M extends Record<string, unknown>>(
  stream: string,
  module: M,
  message: keyof M & string,
  types: readonly string[],
  described?: { resource: AnyResource; field: string },
): PublicEvent[] {
  const codec = module[message] as unknown as MessageCodec<Record<string, unknown> & { meta?: EventMeta }>;
  return types.map((type) => ({
    type,
    stream,
    message,
    sample: (meta) => codec.encode(codec.fromPartial({ meta })).finish(),
    data(bytes) {
      const decoded = codec.decode(bytes);
      const meta = decoded.meta;
      if (described && decoded[described.field]) {
        const r = described.resource;
        const key = r.name.split(".")[1]!;
        return {
          meta,
          data: {
            record: { type: r.name, id: meta?.entityId ?? "" },
            [key]: toJson(r as Resource<unknown, unknown, unknown, typeof r.fields>, decoded[described.field]),
          },
        };
      }
      const { meta: _meta, ...fields } = plain(decoded) as Record<string, unknown>;
      const [service, what] = type.split(".");
      return { meta, data: { record: { type: `${service}.${what}`, id: meta?.entityId ?? "" }, [what!]: fields } };
    },
  }));
}

/** A record's lifecycle subjects (the kit's RESOURCE_EVENTS, as eventSubjects names them) and any further verbs. */
export const lifecycleTypes = (prefix: string, ...verbs: string[]): string[] => [...RESOURCE_EVENTS, ...verbs].map((v) => `${prefix}.${v}`);

/** The recycle bin's subjects of a record: deleted and restored. */
export const recycleBinTypes = (prefix: string): string[] => [`${prefix}.deleted`, `${prefix}.restored`];

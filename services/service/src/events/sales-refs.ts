import type { ConsumerLoop, EventBus, Logger } from "@relata/platform";
import { AccountChanged, ContactChanged } from "@relata/proto/events/v1/sales";
import type { SalesRefRecord } from "../domain/sales-refs";
import type { SalesRefs } from "../store/sales-refs";

/** The durable consumer that keeps the local copy of Sales' accounts and contacts. */
export const SALES_REFS_DURABLE = "service-sales-refs";
/** Sales' stream (Sales creates it; the consumer waits for it). */
export const SALES_STREAM_NAME = "SALES";

type SalesRefChange = Omit<SalesRefRecord, "updatedAt">;

/** What an account or contact event says of the record: id, tenant, its account, deleted or not, version. */
export function salesRefFor(subject: string, data: Uint8Array): SalesRefChange | null {
  const [, resource, verb] = subject.split(".");
  const deleted = verb === "deleted";
  if (resource === "account") {
    const { meta, account } = AccountChanged.decode(data);
    if (!account || !meta?.tenantId) return null;
    return { _id: account.id, tenantId: meta.tenantId, type: "account", accountId: "", deleted, version: Number(account.version) };
  }
  if (resource === "contact") {
    const { meta, contact } = ContactChanged.decode(data);
    if (!contact || !meta?.tenantId) return null;
    return { _id: contact.id, tenantId: meta.tenantId, type: "contact", accountId: contact.accountId, deleted, version: Number(contact.version) };
  }
  return null;
}

export function startSalesRefsConsumer(bus: EventBus, refs: SalesRefs, logger: Logger, durable = SALES_REFS_DURABLE): Promise<ConsumerLoop<SalesRefChange | null>> {
  return bus.consume<SalesRefChange | null>({
    stream: SALES_STREAM_NAME,
    durable,
    filterSubjects: ["sales.account.>", "sales.contact.>"],
    awaitStream: true,
    decode: (data, subject) => salesRefFor(subject, data),
    handle: async ({ subject, event }) => {
      if (!event) return;
      const applied = await refs.apply(event);
      if (!applied) logger.debug({ subject, id: event._id, version: event.version }, "copy already has this version of the record or a later one");
    },
  });
}

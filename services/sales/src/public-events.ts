import { lifecycleTypes, publicEvents, recycleBinTypes, type PublicEvent } from "@relata/platform/http";
import * as events from "@relata/proto/events/v1/sales";
import { SALES_STREAM } from "./events/stream";
import { account, activity, competitor, contact, lead, opportunity, priceList, product, territory } from "./resources";

/** The events partners' webhooks may subscribe to (docs/events.md); the quote expiry schedule is internal. */
const stream = SALES_STREAM.name;
export const SALES_PUBLIC_EVENTS: readonly PublicEvent[] = [
  ...publicEvents(stream, events, "AccountChanged", lifecycleTypes("sales.account"), { resource: account, field: "account" }),
  ...publicEvents(stream, events, "ContactChanged", lifecycleTypes("sales.contact"), { resource: contact, field: "contact" }),
  ...publicEvents(stream, events, "LeadChanged", lifecycleTypes("sales.lead", "qualified", "disqualified", "assigned"), { resource: lead, field: "lead" }),
  ...publicEvents(stream, events, "LeadConverted", ["sales.lead.converted"], { resource: lead, field: "lead" }),
  ...publicEvents(stream, events, "OpportunityChanged", lifecycleTypes("sales.opportunity"), { resource: opportunity, field: "opportunity" }),
  ...publicEvents(stream, events, "OpportunityStageChanged", ["sales.opportunity.stage_changed", "sales.opportunity.won", "sales.opportunity.lost"], {
    resource: opportunity,
    field: "opportunity",
  }),
  ...publicEvents(stream, events, "ActivityChanged", ["sales.activity.logged", "sales.activity.updated", "sales.activity.completed", ...recycleBinTypes("sales.activity")], {
    resource: activity,
    field: "activity",
  }),
  ...publicEvents(stream, events, "ProductChanged", lifecycleTypes("sales.product"), { resource: product, field: "product" }),
  ...publicEvents(stream, events, "PriceListChanged", lifecycleTypes("sales.price_list"), { resource: priceList, field: "priceList" }),
  ...publicEvents(stream, events, "QuoteChanged", ["created", "updated", "revised", "sent", "accepted", "rejected", "expired"].map((v) => `sales.quote.${v}`)),
  ...publicEvents(stream, events, "OrderChanged", ["created", "fulfilled", "cancelled"].map((v) => `sales.order.${v}`)),
  ...publicEvents(stream, events, "CompetitorChanged", lifecycleTypes("sales.competitor"), { resource: competitor, field: "competitor" }),
  ...publicEvents(stream, events, "TerritoryChanged", lifecycleTypes("sales.territory", "rules_replaced"), { resource: territory, field: "territory" }),
];

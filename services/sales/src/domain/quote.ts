import { StateConflict, type BaseRecord } from "@relata/platform";
import type { DiscountValue, LineAmounts, Totals } from "./pricing";

/** Docs: docs/commerce.md. Quote and order records as Sales keeps them, and their rules. */

export const QUOTE_STATUSES = ["draft", "sent", "accepted", "rejected", "expired"] as const;
export type QuoteStatusWord = (typeof QUOTE_STATUSES)[number];
export const ORDER_STATUSES = ["submitted", "fulfilled", "cancelled"] as const;
export type OrderStatusWord = (typeof ORDER_STATUSES)[number];

export interface QuoteLineRecord extends LineAmounts {
  id: string;
  productId: string;
  productCode: string;
  name: string;
  unit: string;
  quantity: string;
  unitPrice: string;
  priceOverridden: boolean;
  discount?: DiscountValue;
  taxRate: string;
}

/** The fields of one revision of a quote (what a revision snapshot keeps). */
export interface QuoteFields {
  opportunityId: string;
  accountId: string;
  number: string;
  revision: number;
  status: QuoteStatusWord;
  currency: string;
  priceListId: string;
  language: string;
  lines: QuoteLineRecord[];
  discount?: DiscountValue;
  totals: Totals;
  validUntil: string;
  validTimeZone: string;
  terms: string;
  primary: boolean;
  ownerId: string;
  contactId: string;
  name: string;
  sentAt?: Date;
  decidedAt?: Date;
  rejectReason: string;
  orderId: string;
}

export type QuoteRecord = BaseRecord & QuoteFields & { deletedAt?: Date; deletedBy?: string };

/** A frozen revision, kept when a change to a sent (or expired) quote makes the next one. */
export interface QuoteRevisionRecord extends QuoteFields {
  /** `<quoteId>:<revision>`. */
  _id: string;
  quoteId: string;
  tenantId: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface OrderRecord extends BaseRecord {
  quoteId: string;
  quoteRevision: number;
  opportunityId: string;
  accountId: string;
  number: string;
  status: OrderStatusWord;
  currency: string;
  lines: QuoteLineRecord[];
  totals: Totals;
  ownerId: string;
  submittedAt: Date;
  fulfilledAt?: Date;
  cancelledAt?: Date;
  cancelReason: string;
  deletedAt?: Date;
  deletedBy?: string;
}

/** "Q-000042" */
export const quoteNumber = (n: number) => `Q-${String(n).padStart(6, "0")}`;
/** "O-000042" */
export const orderNumber = (n: number) => `O-${String(n).padStart(6, "0")}`;
/** The one order a quote can have: its id follows from the quote's, so concurrent creates insert one document. */
export const orderIdOf = (quoteId: string) => `order-${quoteId}`;

/** How a change reaches a quote in each status. */
export type EditMode = "in-place" | "new-revision";

/**
 * A draft changes in place; a sent or expired quote is frozen, so a change makes the next
 * revision, in draft; an accepted or rejected quote is decided and changes no more.
 */
export function editMode(status: QuoteStatusWord): EditMode {
  if (status === "draft") return "in-place";
  if (status === "sent" || status === "expired") return "new-revision";
  throw new StateConflict(`the quote is ${status}; a decided quote cannot change`, "status");
}

export type QuoteAction = "send" | "accept" | "reject";

const FROM: Record<QuoteAction, QuoteStatusWord[]> = { send: ["draft"], accept: ["sent"], reject: ["sent"] };

/**
 * Whether `action` may happen to a quote now: send needs a draft with lines, accept and reject a
 * sent quote; accept also needs the validity not to have ended (`expiresAt`), even if the
 * schedule marking it expired has not fired yet.
 */
export function assertAction(q: Pick<QuoteFields, "status" | "lines">, action: QuoteAction, expiresAt: Date | undefined, now: Date): void {
  if (action === "accept" && (q.status === "expired" || (expiresAt && now >= expiresAt))) {
    throw new StateConflict("valid_until: the quote has expired and can no longer be accepted", "valid_until");
  }
  if (!FROM[action].includes(q.status)) {
    throw new StateConflict(`the quote is ${q.status}; only a ${FROM[action].join(" or ")} quote can be ${action === "send" ? "sent" : `${action}ed`}`, "status");
  }
  if (action === "send" && q.lines.length === 0) throw new StateConflict("lines: a quote without lines cannot be sent", "lines");
  if (action === "send" && expiresAt && now >= expiresAt) throw new StateConflict("valid_until: the validity has already ended", "valid_until");
}

/** Whether a quote in this status waits for its expiry (and so has a schedule). */
export const expires = (status: QuoteStatusWord) => status === "draft" || status === "sent";

const pad = (n: number) => String(n).padStart(2, "0");

/** The calendar day of `instant` in `zone`, YYYY-MM-DD. */
export function localDate(instant: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get("year").padStart(4, "0")}-${get("month")}-${get("day")}`;
}

/** The offset of `zone` from UTC at `instant`, in ms (Warsaw in summer: +7,200,000). */
function offsetMs(instant: Date, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The day after `date` (YYYY-MM-DD). */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return `${String(d.getUTCFullYear()).padStart(4, "0")}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/**
 * When a quote valid until `validUntil` (its last day, in `zone`) expires: the first instant of
 * the next day in that zone. That is local midnight, or, where a clock change skips midnight
 * (America/Santiago's spring), the first instant that exists on that day.
 */
export function expiryInstant(validUntil: string, zone = "UTC"): Date {
  const day = nextDay(validUntil);
  const midnightUtc = Date.parse(`${day}T00:00:00Z`);
  // Local midnight read with the zone's offset there (twice: the offset may differ across it).
  let t = midnightUtc - offsetMs(new Date(midnightUtc), zone);
  t = midnightUtc - offsetMs(new Date(t), zone);
  if (localDate(new Date(t), zone) === day && localDate(new Date(t - 1), zone) < day) return new Date(t);
  // Midnight does not exist (or repeats): the first minute whose local date is the day.
  for (let m = midnightUtc - 15 * 3600_000; m <= midnightUtc + 15 * 3600_000; m += 60_000) {
    if (localDate(new Date(m), zone) >= day) return new Date(m);
  }
  throw new Error(`no start of ${day} in ${zone}`);
}

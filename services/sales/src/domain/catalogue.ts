import type { ResourceRecord } from "@relata/platform/resource";
import type { priceList, product } from "../resources";

/** Products and price lists as Sales keeps them (docs/commerce.md). */

export type ProductRecord = ResourceRecord<typeof product.fields>;
export type PriceListRecord = ResourceRecord<typeof priceList.fields>;

/** Whether a list's validity (inclusive days, empty ends open) covers the calendar day `date`. */
export function validOn(list: Pick<PriceListRecord, "validFrom" | "validTo">, date: string): boolean {
  return (!list.validFrom || list.validFrom <= date) && (!list.validTo || date <= list.validTo);
}

/** A list's entries name each product once; the index of the first repeat, or -1. */
export function repeatedEntry(entries: readonly { productId: string }[]): number {
  const seen = new Set<string>();
  for (const [i, e] of entries.entries()) {
    if (seen.has(e.productId)) return i;
    seen.add(e.productId);
  }
  return -1;
}

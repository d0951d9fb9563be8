import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { id, implement, isDuplicateKey, optionalId, protoEnum, requiredText, StateConflict, validate, expectedVersion, type CallContext, type ServiceRegistration } from "@relata/platform";
import { OrderServiceService } from "@relata/proto/sales/v1/order";
import { z } from "zod";
import { orderStatus, toOrder } from "../codec/commerce";
import { orderIdOf, orderNumber, type OrderRecord, type QuoteRecord } from "../domain/quote";
import { orderEvent, quoteEvent } from "../events/commerce";
import type { CommerceDeps } from "../workflows/commerce-deps";

const CreateInput = z.object({ quoteId: id() });
const Action = z.object({ id: id(), expectedVersion: expectedVersion() });
const Cancel = z.object({ id: id(), expectedVersion: expectedVersion(), reason: requiredText(500) });
const ListInput = z.object({
  quoteId: optionalId(),
  accountId: optionalId(),
  opportunityId: optionalId(),
  status: protoEnum(orderStatus, { required: false }),
});

/** How long a request that lost the claim of a quote's order waits for the winner to write it. */
const CLAIM_WAIT_MS = 5_000;

/**
 * Orders (docs/commerce.md#orders): one per accepted quote. Its id follows from the quote's
 * (`order-<quoteId>`), so of concurrent creates one document goes in. Before numbering it, a
 * request claims the quote's order (a unique insert) so only the winner takes an order number;
 * the others wait for its order and answer it (created: false). A winner that died leaves a
 * claim without an order: the next request past the wait makes it (the insert stays once-only).
 */
export function orderService({ commerce, commerceModels, numbers, logger }: CommerceDeps): ServiceRegistration {
  const claims = commerceModels.orderClaims;

  async function linkQuote(ctx: CallContext, quote: QuoteRecord, orderId: string) {
    if (quote.orderId === orderId) return;
    await commerce.quotes.in(ctx).update(quote._id, 0, (q) => (q.orderId ? null : { set: { orderId }, events: (next, actor) => [quoteEvent("updated", next, actor)] }));
  }

  async function make(ctx: CallContext, quote: QuoteRecord, orderId: string): Promise<boolean> {
    const now = new Date();
    const orders = commerce.orders.in(ctx);
    const number = orderNumber(await numbers.next(`order:${orders.tenantId}`));
    const record: Omit<OrderRecord, "tenantId"> = {
      _id: orderId,
      version: 1,
      createdAt: now,
      updatedAt: now,
      idempotencyKey: `quote-order:${quote._id}`,
      requestHash: "",
      quoteId: quote._id,
      quoteRevision: quote.revision,
      opportunityId: quote.opportunityId,
      accountId: quote.accountId,
      number,
      status: "submitted",
      currency: quote.currency,
      lines: quote.lines,
      totals: quote.totals,
      ownerId: quote.ownerId,
      submittedAt: now,
      cancelReason: "",
    };
    return orders.insertOnce(record, (r, actor) => [orderEvent("created", r, actor)]);
  }

  return implement(
    OrderServiceService,
    {
      async createOrder(request, ctx) {
        const input = validate(CreateInput, request);
        const quote = await commerce.quotes.in(ctx).require(input.quoteId, "quote_id");
        const orders = commerce.orders.in(ctx);
        const orderId = orderIdOf(quote._id);
        let existing = await orders.find(orderId);
        let created = false;
        if (!existing) {
          if (quote.status !== "accepted") {
            throw new StateConflict(`quote_id: the quote is ${quote.status}; only an accepted quote makes an order`, "quote_id");
          }
          let won = false;
          try {
            await claims.create([{ _id: `${orders.tenantId}/${orderId}`, tenantId: orders.tenantId, key: orderId, holder: ctx.identity.subject || "caller", attempt: randomUUID(), claimedAt: new Date() }]);
            won = true;
          } catch (err) {
            if (!isDuplicateKey(err)) throw err;
          }
          if (!won) {
            for (let waited = 0; waited < CLAIM_WAIT_MS && !existing; waited += 50) {
              await sleep(50);
              existing = await orders.find(orderId);
            }
          }
          if (!existing) {
            created = await make(ctx, quote, orderId);
            existing = await orders.get(orderId);
          }
        }
        await linkQuote(ctx, quote, orderId);
        return { order: toOrder(existing), created };
      },

      async getOrder(request, ctx) {
        const input = validate(z.object({ id: id() }), request);
        return toOrder(await commerce.orders.in(ctx).get(input.id));
      },

      async listOrders(request, ctx) {
        const filters = validate(ListInput, request);
        const { rows, nextCursor } = await commerce.orders.in(ctx).list(filters, request.page);
        return { orders: rows.map(toOrder), page: { nextCursor } };
      },

      async fulfillOrder(request, ctx) {
        const input = validate(Action, request);
        const order = await commerce.orders.in(ctx).update(input.id, input.expectedVersion, (o) => {
          if (o.status !== "submitted") throw new StateConflict(`the order is ${o.status}; only a submitted order can be fulfilled`, "status");
          return { set: { status: "fulfilled", fulfilledAt: new Date() }, events: (next, actor) => [orderEvent("fulfilled", next, actor)] };
        });
        return toOrder(order);
      },

      async cancelOrder(request, ctx) {
        const input = validate(Cancel, request);
        const order = await commerce.orders.in(ctx).update(input.id, input.expectedVersion, (o) => {
          if (o.status !== "submitted") throw new StateConflict(`the order is ${o.status}; only a submitted order can be cancelled`, "status");
          return { set: { status: "cancelled", cancelledAt: new Date(), cancelReason: input.reason }, events: (next, actor) => [orderEvent("cancelled", next, actor)] };
        });
        return toOrder(order);
      },
    },
    logger,
  );
}

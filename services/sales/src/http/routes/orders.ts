import { IdParams, listReply, ok, page, route, type RouteSpec } from "@relata/platform/http";
import type { SalesClients } from "../../client";
import { orderStatus } from "../../resources";
import { OrderCancellation, OrderCreate, orderJson, OrderJson, OrderListQuery, OrderPage } from "../schemas/commerce";

export function orderRoutes(sales: SalesClients): RouteSpec[] {
  return [
    route({
      operationId: "listOrders",
      method: "get",
      path: "/v1/orders",
      operation: "orders.read",
      tag: "Orders",
      summary: "List orders",
      query: OrderListQuery,
      responses: { 200: page(OrderPage) },
      handler: async (ctx) => {
        const q = ctx.query;
        const res = await sales.orders.listOrders(
          {
            page: { pageSize: q.limit ?? 0, cursor: q.cursor ?? "", sort: "" },
            quoteId: q.quoteId ?? "",
            opportunityId: q.opportunityId ?? "",
            accountId: q.accountId ?? "",
            status: q.status ? orderStatus.toProto(q.status) : ("ORDER_STATUS_UNSPECIFIED" as never),
          },
          ctx.call,
        );
        return listReply(ctx, res.orders.map(orderJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "createOrder",
      method: "post",
      path: "/v1/orders",
      operation: "orders.write",
      tag: "Orders",
      summary: "Make the order of an accepted quote (once: the same quote again answers its order)",
      description:
        "201 with the order when this request made it; 200 with the same order when the quote already had one (an earlier or a concurrent request made it). Its lines and totals are the accepted revision's.",
      body: OrderCreate,
      responses: {
        201: { description: "The order, made by this request.", schema: OrderJson, headers: ["Location", "ETag"] },
        200: ok(OrderJson, "The quote's order, made before (or by a concurrent request)."),
      },
      handler: async (ctx) => {
        const res = await sales.orders.createOrder({ quoteId: ctx.body.quoteId }, ctx.call);
        const order = res.order!;
        return { status: res.created ? 201 : 200, body: orderJson(order), version: order.version, location: `/v1/orders/${order.id}` };
      },
    }),
    route({
      operationId: "getOrder",
      method: "get",
      path: "/v1/orders/:id",
      operation: "orders.read",
      tag: "Orders",
      summary: "Read an order",
      params: IdParams,
      responses: { 200: ok(OrderJson) },
      handler: async (ctx) => {
        const order = await sales.orders.getOrder({ id: ctx.params.id }, ctx.call);
        return { body: orderJson(order), version: order.version };
      },
    }),
    route({
      operationId: "fulfillOrder",
      method: "post",
      path: "/v1/orders/:id/fulfill",
      operation: "orders.write",
      tag: "Orders",
      summary: "Mark a submitted order fulfilled",
      params: IdParams,
      ifMatch: "optional",
      responses: { 200: ok(OrderJson, "The fulfilled order.") },
      handler: async (ctx) => {
        const order = await sales.orders.fulfillOrder({ id: ctx.params.id, expectedVersion: ctx.expectedVersion }, ctx.call);
        return { body: orderJson(order), version: order.version };
      },
    }),
    route({
      operationId: "cancelOrder",
      method: "post",
      path: "/v1/orders/:id/cancel",
      operation: "orders.write",
      tag: "Orders",
      summary: "Cancel a submitted order, with the reason",
      params: IdParams,
      body: OrderCancellation,
      ifMatch: "optional",
      responses: { 200: ok(OrderJson, "The cancelled order.") },
      handler: async (ctx) => {
        const order = await sales.orders.cancelOrder({ id: ctx.params.id, expectedVersion: ctx.expectedVersion, reason: ctx.body.reason }, ctx.call);
        return { body: orderJson(order), version: order.version };
      },
    }),
  ];
}

import { created, IdParams, listReply, ok, page, route, type RouteSpec } from "@relata/platform/http";
import type { SalesClients } from "../../client";
import { quoteStatus } from "../../resources";
import {
  discountProto,
  QuoteCreate,
  quoteJson,
  QuoteJson,
  QuoteListQuery,
  QuotePage,
  QuoteRejection,
  QuoteRevisions,
  QuoteUpdate,
  RevisionParams,
} from "../schemas/commerce";

type LineBody = { id?: string; productId: string; quantity: string; unitPrice?: string; discount?: { kind: "percent" | "amount"; value: string }; taxRate?: string };

const linesProto = (lines: LineBody[] | undefined) =>
  lines === undefined
    ? undefined
    : {
        values: lines.map((l) => ({
          id: l.id ?? "",
          productId: l.productId,
          quantity: l.quantity,
          unitPrice: l.unitPrice ?? "",
          discount: discountProto(l.discount),
          taxRate: l.taxRate ?? "",
        })),
      };

export function quoteRoutes(sales: SalesClients): RouteSpec[] {
  return [
    route({
      operationId: "listQuotes",
      method: "get",
      path: "/v1/quotes",
      operation: "quotes.read",
      tag: "Quotes",
      summary: "List quotes",
      query: QuoteListQuery,
      responses: { 200: page(QuotePage) },
      handler: async (ctx) => {
        const q = ctx.query;
        const res = await sales.quotes.listQuotes(
          {
            page: { pageSize: q.limit ?? 0, cursor: q.cursor ?? "", sort: "" },
            opportunityId: q.opportunityId ?? "",
            accountId: q.accountId ?? "",
            status: q.status ? quoteStatus.toProto(q.status) : ("QUOTE_STATUS_UNSPECIFIED" as never),
          },
          ctx.call,
        );
        return listReply(ctx, res.quotes.map(quoteJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "createQuote",
      method: "post",
      path: "/v1/quotes",
      operation: "quotes.write",
      tag: "Quotes",
      summary: "Create a quote on an opportunity (priced on the server)",
      body: QuoteCreate,
      idempotencyKey: true,
      responses: { 201: created(QuoteJson) },
      handler: async (ctx) => {
        const b = ctx.body;
        const quote = await sales.quotes.createQuote(
          {
            opportunityId: b.opportunityId,
            name: b.name ?? "",
            currency: b.currency ?? "",
            priceListId: b.priceListId ?? "",
            language: b.language ?? "",
            lines: linesProto(b.lines),
            discount: discountProto(b.discount),
            validUntil: b.validUntil ?? "",
            validTimeZone: b.validTimeZone ?? "",
            terms: b.terms ?? "",
            primary: b.primary ?? false,
            ownerId: b.ownerId ?? "",
            contactId: b.contactId ?? "",
            idempotencyKey: ctx.idempotencyKey,
          },
          ctx.call,
        );
        return { status: 201, body: quoteJson(quote), version: quote.version, location: `/v1/quotes/${quote.id}` };
      },
    }),
    route({
      operationId: "getQuote",
      method: "get",
      path: "/v1/quotes/:id",
      operation: "quotes.read",
      tag: "Quotes",
      summary: "Read a quote (its current revision)",
      params: IdParams,
      responses: { 200: ok(QuoteJson) },
      handler: async (ctx) => {
        const quote = await sales.quotes.getQuote({ id: ctx.params.id }, ctx.call);
        return { body: quoteJson(quote), version: quote.version };
      },
    }),
    route({
      operationId: "updateQuote",
      method: "patch",
      path: "/v1/quotes/:id",
      operation: "quotes.write",
      tag: "Quotes",
      summary: "Change a quote: a draft in place, a sent or expired quote as its next revision (in draft)",
      description: "An accepted or rejected quote no longer changes (409). Lines, discount or price list re-price the quote from its price list as of today.",
      params: IdParams,
      body: QuoteUpdate,
      ifMatch: "optional",
      responses: { 200: ok(QuoteJson) },
      handler: async (ctx) => {
        const b = ctx.body;
        const quote = await sales.quotes.updateQuote(
          {
            id: ctx.params.id,
            expectedVersion: ctx.expectedVersion,
            name: b.name,
            priceListId: b.priceListId,
            language: b.language,
            lines: linesProto(b.lines),
            discount: discountProto(b.discount),
            validUntil: b.validUntil,
            validTimeZone: b.validTimeZone,
            terms: b.terms,
            primary: b.primary,
            ownerId: b.ownerId,
            contactId: b.contactId,
          },
          ctx.call,
        );
        return { body: quoteJson(quote), version: quote.version };
      },
    }),
    route({
      operationId: "listQuoteRevisions",
      method: "get",
      path: "/v1/quotes/:id/revisions",
      operation: "quotes.read",
      tag: "Quotes",
      summary: "Every revision of a quote, oldest first (the last is the quote as it is)",
      params: IdParams,
      responses: { 200: { description: "The revisions.", schema: QuoteRevisions } },
      handler: async (ctx) => {
        const res = await sales.quotes.listQuoteRevisions({ id: ctx.params.id }, ctx.call);
        return { body: { data: res.revisions.map(quoteJson) } };
      },
    }),
    route({
      operationId: "getQuoteRevision",
      method: "get",
      path: "/v1/quotes/:id/revisions/:revision",
      operation: "quotes.read",
      tag: "Quotes",
      summary: "One revision of a quote",
      params: RevisionParams,
      responses: { 200: { description: "The revision.", schema: QuoteJson } },
      handler: async (ctx) => {
        const quote = await sales.quotes.getQuoteRevision({ id: ctx.params.id, revision: ctx.params.revision }, ctx.call);
        return { body: quoteJson(quote) };
      },
    }),
    route({
      operationId: "sendQuote",
      method: "post",
      path: "/v1/quotes/:id/send",
      operation: "quotes.send",
      tag: "Quotes",
      summary: "Send a draft quote: it is frozen from now on (a change makes the next revision)",
      params: IdParams,
      ifMatch: "optional",
      responses: { 200: ok(QuoteJson, "The sent quote.") },
      handler: async (ctx) => {
        const quote = await sales.quotes.sendQuote({ id: ctx.params.id, expectedVersion: ctx.expectedVersion }, ctx.call);
        return { body: quoteJson(quote), version: quote.version };
      },
    }),
    route({
      operationId: "acceptQuote",
      method: "post",
      path: "/v1/quotes/:id/accept",
      operation: "quotes.decide",
      tag: "Quotes",
      summary: "Record the customer's acceptance of a sent quote (refused once it has expired)",
      params: IdParams,
      ifMatch: "optional",
      responses: { 200: ok(QuoteJson, "The accepted quote.") },
      handler: async (ctx) => {
        const quote = await sales.quotes.acceptQuote({ id: ctx.params.id, expectedVersion: ctx.expectedVersion }, ctx.call);
        return { body: quoteJson(quote), version: quote.version };
      },
    }),
    route({
      operationId: "rejectQuote",
      method: "post",
      path: "/v1/quotes/:id/reject",
      operation: "quotes.decide",
      tag: "Quotes",
      summary: "Record the customer's rejection of a sent quote, with the reason",
      params: IdParams,
      body: QuoteRejection,
      ifMatch: "optional",
      responses: { 200: ok(QuoteJson, "The rejected quote.") },
      handler: async (ctx) => {
        const quote = await sales.quotes.rejectQuote({ id: ctx.params.id, expectedVersion: ctx.expectedVersion, reason: ctx.body.reason }, ctx.call);
        return { body: quoteJson(quote), version: quote.version };
      },
    }),
    route({
      operationId: "makeQuotePrimary",
      method: "post",
      path: "/v1/quotes/:id/primary",
      operation: "quotes.write",
      tag: "Quotes",
      summary: "Make the quote its opportunity's primary quote (the opportunity's amount follows its net total)",
      params: IdParams,
      ifMatch: "optional",
      responses: { 200: ok(QuoteJson, "The primary quote.") },
      handler: async (ctx) => {
        const quote = await sales.quotes.makePrimaryQuote({ id: ctx.params.id, expectedVersion: ctx.expectedVersion }, ctx.call);
        return { body: quoteJson(quote), version: quote.version };
      },
    }),
  ];
}

import {
  expectedVersion,
  id,
  implement,
  InvalidArgument,
  isDuplicateKey,
  NotFound,
  optionalId,
  protoEnum,
  requiredText,
  StateConflict,
  text,
  timeZone,
  validate,
  calendarDate,
  type CallContext,
  type ServiceRegistration,
} from "@relata/platform";
import { DECIMAL_AMOUNT_PATTERN } from "@relata/platform/resource";
import { QuoteServiceService } from "@relata/proto/sales/v1/quote";
import { z } from "zod";
import { discountKind, quoteStatus, toQuote } from "../codec/commerce";
import type { DiscountValue } from "../domain/pricing";
import { assertAction, editMode, quoteNumber, type QuoteAction, type QuoteFields, type QuoteRecord } from "../domain/quote";
import { opportunityEvent } from "../events/builders";
import { quoteEvent, type QuoteEventKind } from "../events/commerce";
import { CURRENCY_PATTERN } from "../resources";
import type { CommerceDeps } from "../workflows/commerce-deps";
import { pricingDate, QuoteBook, type LineInput } from "../workflows/quotes";

const DECIMAL_MESSAGE = "must be a decimal string with at most 15 digits and 4 decimals, such as 12500.00";
const decimal = () => z.string().trim().regex(DECIMAL_AMOUNT_PATTERN, DECIMAL_MESSAGE);
const optionalDecimal = () =>
  z
    .string()
    .trim()
    .default("")
    .refine((v) => v === "" || DECIMAL_AMOUNT_PATTERN.test(v), DECIMAL_MESSAGE);

/** A discount; absent or of kind UNSPECIFIED is none. */
const DiscountInput = z
  .object({ kind: z.string().default(""), value: z.string().default("") })
  .optional()
  .transform((d, ctx): DiscountValue | undefined => {
    const kind = d ? discountKind.fromProto(d.kind) : null;
    if (!d || !kind) return undefined;
    if (!DECIMAL_AMOUNT_PATTERN.test(d.value.trim())) {
      ctx.addIssue({ code: "custom", path: ["value"], message: DECIMAL_MESSAGE });
      return z.NEVER;
    }
    return { kind, value: d.value.trim() };
  });

const LineSchema = z.object({
  id: text(64),
  productId: id(),
  quantity: decimal(),
  unitPrice: optionalDecimal(),
  discount: DiscountInput,
  taxRate: optionalDecimal(),
});
export const MAX_QUOTE_LINES = 200;
const LinesInput = z.object({ values: z.array(LineSchema).max(MAX_QUOTE_LINES, `must have at most ${MAX_QUOTE_LINES} lines`) });
const currency = () =>
  text(3).refine((v) => v === "" || CURRENCY_PATTERN.test(v), "must be an ISO 4217 code of 3 upper-case letters");
export const QUOTE_LANGUAGES = ["en", "pl", "ru", "uk"] as const;
const language = () => text(10).refine((v) => v === "" || (QUOTE_LANGUAGES as readonly string[]).includes(v), `must be one of ${QUOTE_LANGUAGES.join(", ")}`);

const CreateQuoteInput = z.object({
  idempotencyKey: text(),
  opportunityId: id(),
  name: text(200),
  currency: currency(),
  priceListId: optionalId(),
  language: language(),
  lines: LinesInput.optional(),
  discount: DiscountInput,
  validUntil: calendarDate(),
  validTimeZone: timeZone(),
  terms: text(5000),
  primary: z.boolean().default(false),
  ownerId: text(128),
  contactId: optionalId(),
});

const UpdateQuoteInput = z.object({
  id: id(),
  expectedVersion: expectedVersion(),
  name: text(200).optional(),
  priceListId: optionalId().optional(),
  language: language().optional(),
  lines: LinesInput.optional(),
  discount: z.unknown().optional(),
  validUntil: calendarDate().optional(),
  validTimeZone: z.string().optional(),
  terms: text(5000).optional(),
  primary: z.boolean().optional(),
  contactId: optionalId().optional(),
  ownerId: text(128).optional(),
});

const Action = z.object({ id: id(), expectedVersion: expectedVersion() });
const Reject = z.object({ id: id(), expectedVersion: expectedVersion(), reason: requiredText(500) });
const ListInput = z.object({
  opportunityId: optionalId(),
  accountId: optionalId(),
  status: protoEnum(quoteStatus, { required: false }),
});
const RevisionInput = z.object({ id: id(), revision: z.number().int().min(1, "must be 1 or more") });

/** The request schemas, by RPC (exported for tests). */
export const quoteSchemas = { createQuote: CreateQuoteInput, updateQuote: UpdateQuoteInput, sendQuote: Action, rejectQuote: Reject };

const lineInputs = (values: z.output<typeof LineSchema>[]): LineInput[] => values.map((l) => ({ ...l }));

export function quoteService(deps: CommerceDeps, book = new QuoteBook(deps)): ServiceRegistration {
  const { commerce, commerceModels, repos, numbers, logger } = deps;

  async function checkContact(ctx: CallContext, contactId: string, accountId: string) {
    if (!contactId) return;
    const contact = await repos.contacts.in(ctx).require(contactId, "contact_id");
    if (contact.accountId && contact.accountId !== accountId) throw new InvalidArgument("contact_id", "contact_id: the contact belongs to another account");
  }

  /** A frozen revision kept before the next one replaces it (once: a retry finds it there). */
  async function keepRevision(q: QuoteRecord) {
    const { _id, outbox: _o, idempotencyKey: _k, requestHash: _h, deletedAt: _d, deletedBy: _b, ...fields } = q as QuoteRecord & { outbox?: unknown };
    try {
      await commerceModels.quoteRevisions.create([{ ...fields, _id: `${_id}:${q.revision}`, quoteId: _id }]);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  /** The quote moved by a verb, under its version; the schedule and the opportunity follow. */
  async function act(ctx: CallContext, request: unknown, action: QuoteAction) {
    const input = validate(action === "reject" ? Reject : Action, request) as z.output<typeof Reject>;
    const now = new Date();
    const updated = await commerce.quotes.in(ctx).update(input.id, input.expectedVersion, (q) => {
      assertAction(q, action, book.expiresAt(q), now);
      const set: Partial<QuoteFields> =
        action === "send"
          ? { status: "sent", sentAt: now }
          : action === "accept"
            ? { status: "accepted", decidedAt: now }
            : { status: "rejected", decidedAt: now, rejectReason: input.reason };
      const kind: QuoteEventKind = action === "send" ? "sent" : action === "accept" ? "accepted" : "rejected";
      return { set, events: (next, actor) => [quoteEvent(kind, next, actor)] };
    });
    await book.syncExpiry(updated);
    return toQuote(updated);
  }

  return implement(
    QuoteServiceService,
    {
      async createQuote(request, ctx) {
        const input = validate(CreateQuoteInput, request);
        const quotes = commerce.quotes.in(ctx);
        const record = await quotes.create({
          idempotencyKey: input.idempotencyKey,
          request: input,
          build: async () => {
            const opportunity = await repos.opportunities.in(ctx).require(input.opportunityId, "opportunity_id");
            await checkContact(ctx, input.contactId, opportunity.accountId);
            const list = await book.priceList(ctx, input.currency, input.priceListId, pricingDate(input.validTimeZone));
            const priced = await book.price(ctx, list, lineInputs(input.lines?.values ?? []), [], input.discount);
            const number = quoteNumber(await numbers.next(`quote:${quotes.tenantId}`));
            return {
              opportunityId: opportunity._id,
              accountId: opportunity.accountId,
              number,
              revision: 1,
              status: "draft" as const,
              currency: list.currency,
              priceListId: list._id,
              language: input.language || "en",
              lines: priced.lines,
              ...(input.discount ? { discount: input.discount } : {}),
              totals: priced.totals,
              validUntil: input.validUntil,
              validTimeZone: input.validUntil ? input.validTimeZone : "",
              terms: input.terms,
              primary: input.primary,
              ownerId: input.ownerId || quotes.actor.actorId,
              contactId: input.contactId,
              name: input.name || number,
              rejectReason: "",
              orderId: "",
            };
          },
          events: (created, actor) => [quoteEvent("created", created, actor)],
        });
        if (record.primary) await book.makePrimary(ctx, record);
        await book.syncExpiry(record);
        return toQuote(record);
      },

      async getQuote(request, ctx) {
        const input = validate(z.object({ id: id() }), request);
        return toQuote(await commerce.quotes.in(ctx).get(input.id));
      },

      async listQuotes(request, ctx) {
        const filters = validate(ListInput, request);
        const { rows, nextCursor } = await commerce.quotes.in(ctx).list(filters, request.page);
        return { quotes: rows.map((q) => toQuote(q)), page: { nextCursor } };
      },

      async updateQuote(request, ctx) {
        const input = validate(UpdateQuoteInput, request);
        const discountGiven = request.discount !== undefined;
        const discount = discountGiven ? validate(z.object({ discount: DiscountInput }), { discount: request.discount }).discount : undefined;
        if (input.validTimeZone !== undefined) validate(z.object({ validTimeZone: timeZone() }), { validTimeZone: input.validTimeZone });
        const quotes = commerce.quotes.in(ctx);
        let revised = false;
        const updated = await quotes.update(input.id, input.expectedVersion, async (q) => {
          const mode = editMode(q.status);
          const set: Partial<QuoteFields> = {};
          if (input.name !== undefined && input.name !== q.name) set.name = input.name || q.number;
          if (input.language !== undefined && input.language !== q.language) set.language = input.language || "en";
          if (input.terms !== undefined && input.terms !== q.terms) set.terms = input.terms;
          if (input.ownerId !== undefined && input.ownerId && input.ownerId !== q.ownerId) set.ownerId = input.ownerId;
          if (input.contactId !== undefined && input.contactId !== q.contactId) {
            await checkContact(ctx, input.contactId, q.accountId);
            set.contactId = input.contactId;
          }
          const validUntil = input.validUntil ?? q.validUntil;
          const zone = input.validTimeZone !== undefined ? input.validTimeZone || "UTC" : q.validTimeZone || "UTC";
          if (validUntil !== q.validUntil || (validUntil && zone !== q.validTimeZone)) {
            set.validUntil = validUntil;
            set.validTimeZone = validUntil ? zone : "";
          }
          const reprice = input.lines !== undefined || discountGiven || (input.priceListId !== undefined && input.priceListId !== q.priceListId);
          if (reprice) {
            const list = await book.priceList(ctx, q.currency, input.priceListId || q.priceListId, pricingDate(zone));
            const lines: LineInput[] = input.lines
              ? lineInputs(input.lines.values)
              : q.lines.map((l) => ({ id: l.id, productId: l.productId, quantity: l.quantity, unitPrice: l.priceOverridden ? l.unitPrice : "", discount: l.discount, taxRate: l.taxRate }));
            const nextDiscount = discountGiven ? discount : q.discount;
            const priced = await book.price(ctx, list, lines, q.lines, nextDiscount);
            if (list._id !== q.priceListId) set.priceListId = list._id;
            if (JSON.stringify(priced.lines) !== JSON.stringify(q.lines)) set.lines = priced.lines;
            if (JSON.stringify(nextDiscount ?? null) !== JSON.stringify(q.discount ?? null)) (set as Record<string, unknown>).discount = nextDiscount ?? null;
            if (JSON.stringify(priced.totals) !== JSON.stringify(q.totals)) set.totals = priced.totals;
          }
          if (input.primary === false && q.primary) set.primary = false;
          if (input.primary === true && !q.primary) {
            if (q.status === "rejected") throw new StateConflict("primary: a rejected quote cannot be primary", "primary");
            set.primary = true;
          }
          if (Object.keys(set).length === 0) return null;
          const onlyPrimary = Object.keys(set).every((k) => k === "primary");
          revised = mode === "new-revision" && !onlyPrimary;
          if (revised) {
            await keepRevision(q);
            Object.assign(set, { revision: q.revision + 1, status: "draft", sentAt: null, decidedAt: null });
          }
          return { set: set as Record<string, unknown>, events: (next, actor) => [quoteEvent(revised ? "revised" : "updated", next, actor)] };
        });
        if (input.primary === true) await book.makePrimary(ctx, updated);
        else if (updated.primary) await book.followPrimary(ctx, updated);
        if (input.primary === false) {
          await repos.opportunities.in(ctx).update(updated.opportunityId, 0, (o) => (o.primaryQuoteId === updated._id ? { set: { primaryQuoteId: "" }, events: (next, actor) => [opportunityEvent("updated", next, actor)] } : null));
        }
        await book.syncExpiry(updated);
        return toQuote(updated);
      },

      async listQuoteRevisions(request, ctx) {
        const input = validate(z.object({ id: id() }), request);
        const current = await commerce.quotes.in(ctx).get(input.id);
        const kept = await commerceModels.quoteRevisions.find({ tenantId: current.tenantId, quoteId: current._id }).sort({ revision: 1 }).lean();
        return {
          revisions: [...kept.filter((r) => r.revision < current.revision).map((r) => toQuote(r, current._id)), toQuote(current)],
        };
      },

      async getQuoteRevision(request, ctx) {
        const input = validate(RevisionInput, request);
        const current = await commerce.quotes.in(ctx).get(input.id);
        if (input.revision === current.revision) return toQuote(current);
        const kept = input.revision < current.revision ? await commerceModels.quoteRevisions.findOne({ _id: `${current._id}:${input.revision}`, tenantId: current.tenantId }).lean() : null;
        if (!kept) throw new NotFound("quote revision", `${current._id}/${input.revision}`);
        return toQuote(kept, current._id);
      },

      sendQuote: (request, ctx) => act(ctx, request, "send"),
      acceptQuote: (request, ctx) => act(ctx, request, "accept"),
      rejectQuote: (request, ctx) => act(ctx, request, "reject"),

      async makePrimaryQuote(request, ctx) {
        const input = validate(Action, request);
        const updated = await commerce.quotes.in(ctx).update(input.id, input.expectedVersion, (q) => {
          if (q.status === "rejected") throw new StateConflict("primary: a rejected quote cannot be primary", "primary");
          return q.primary ? null : { set: { primary: true }, events: (next, actor) => [quoteEvent("updated", next, actor)] };
        });
        await book.makePrimary(ctx, updated);
        return toQuote(updated);
      },
    },
    logger,
  );
}

import { IdParams, ok, route, type RouteSpec, versionInIfMatch } from "@relata/platform/http";
import type { SalesClients } from "../../client";
import { ProposalProfileJson, proposalProfileJson, ProposalProfileUpdate } from "../schemas/proposals";

const PDF = "application/pdf";

/** The tenant's proposal profile and a quote's proposal document. */
export function proposalRoutes(sales: SalesClients): RouteSpec[] {
  return [
    route({
      operationId: "getProposalProfile",
      method: "get",
      path: "/v1/proposal-profile",
      operation: "proposalProfile.read",
      tag: "Proposals",
      summary: "The seller's details printed on the tenant's proposals (empty, version 0, until saved)",
      responses: { 200: ok(ProposalProfileJson, "The profile.") },
      handler: async (ctx) => {
        const profile = await sales.proposals.getProposalProfile({}, ctx.call);
        return { body: proposalProfileJson(profile), version: profile.version };
      },
    }),
    route({
      operationId: "replaceProposalProfile",
      method: "put",
      path: "/v1/proposal-profile",
      operation: "proposalProfile.write",
      tag: "Proposals",
      summary: "Replace the tenant's proposal profile",
      description:
        'If-Match is honoured (412 when the profile changed since it was read) but not required. A tenant without a profile has version 0: send If-Match "0" to save one only if nobody saved one meanwhile.',
      body: ProposalProfileUpdate,
      ifMatch: "optional",
      unstoredVersionZero: true,
      responses: { 200: ok(ProposalProfileJson, "The new profile.") },
      handler: async (ctx) => {
        const expectedVersion = versionInIfMatch(ctx.req.get("if-match"));
        const b = ctx.body;
        const profile = await sales.proposals.updateProposalProfile(
          {
            expectedVersion,
            companyName: b.companyName ?? "",
            addressLines: b.addressLines ?? [],
            taxId: b.taxId ?? "",
            defaultTerms: b.defaultTerms ?? "",
            defaultLanguage: b.defaultLanguage ?? "",
          },
          ctx.call,
        );
        return { body: proposalProfileJson(profile), version: profile.version };
      },
    }),
    route({
      operationId: "getQuoteDocument",
      method: "get",
      path: "/v1/quotes/:id/document",
      operation: "quotes.document",
      tag: "Proposals",
      summary: "The quote's proposal document (PDF)",
      description:
        "A PDF a rep can send: the seller (the tenant's proposal profile), the customer, the quote's number, revision and date, its lines and totals, validity and terms, in the quote's language (en, pl, ru, uk; the profile's default language, else English). Offered as the download `<number>-r<revision>.pdf`.",
      params: IdParams,
      responses: { 200: { description: "The PDF file.", contentTypes: [PDF], headers: ["Content-Disposition"] } },
      handler: async (ctx) => {
        const document = await sales.proposals.renderQuoteDocument({ id: ctx.params.id }, ctx.call);
        return { stream: once(document.content), contentType: document.mediaType || PDF, filename: document.fileName };
      },
    }),
  ];
}

/** The whole file as the one chunk of a streamed reply (the gateway's way of sending a body that is not JSON). */
async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

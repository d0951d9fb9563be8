import { implement, NotFound, validate, type CallContext, type ServiceRegistration } from "@relata/platform";
import { type Document, ProposalServiceService, type ProposalProfile } from "@relata/proto/sales/v1/proposal";
import { z } from "zod";
import { PROPOSAL_MEDIA_TYPE, renderProposal } from "../codec/proposal-pdf";
import { MAX_ADDRESS_LINES, PROPOSAL_LANGUAGES, proposalContent } from "../domain/proposal";
import type { CurrentProposalProfile } from "../store/proposal-profiles";
import type { SalesDeps } from "./context";


const line = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);

const UpdateProposalProfileInput = z.object({
  // Absent: no check; 0: only while the tenant has no profile (see the proto).
  expectedVersion: z
    .string()
    .regex(/^\d{1,15}$/, "must be a whole number")
    .transform(Number)
    .optional(),
  companyName: line(200).default(""),
  addressLines: z.array(line(200)).max(MAX_ADDRESS_LINES, `must have at most ${MAX_ADDRESS_LINES} lines`).default([]),
  taxId: line(50).default(""),
  defaultTerms: line(4000).default(""),
  defaultLanguage: z.union([z.literal(""), z.enum(PROPOSAL_LANGUAGES)], { error: `must be one of ${PROPOSAL_LANGUAGES.join(", ")}` }).default(""),
});

const RenderQuoteDocumentInput = z.object({ id: z.string().trim().min(1, "is required").max(200) });

/** The request schemas, by RPC (exported for tests). */
export const proposalSchemas = { updateProposalProfile: UpdateProposalProfileInput, renderQuoteDocument: RenderQuoteDocumentInput };

const toProfile = (p: CurrentProposalProfile): ProposalProfile => ({ ...p, addressLines: [...p.addressLines], version: String(p.version) });

/** A quote's proposal document: the quote, its customer's names and the tenant's profile, rendered. */
export function quoteDocument({ repos, proposalProfiles, loadQuote }: Pick<SalesDeps, "repos" | "proposalProfiles" | "loadQuote">) {
  return async (ctx: CallContext, id: string): Promise<Document> => {
    const quote = await loadQuote(ctx, id);
    // loadQuote reads in the caller's tenant; this keeps a wrong wiring from ever printing another tenant's quote.
    if (quote.tenantId && quote.tenantId !== ctx.identity.tenantId) throw new NotFound("quote", id);
    // The customer's names as they are now (an account or contact in the recycle bin prints none).
    const [account, contact, profile] = await Promise.all([
      quote.accountId ? repos.accounts.in(ctx).find(quote.accountId) : undefined,
      quote.contactId ? repos.contacts.in(ctx).find(quote.contactId) : undefined,
      proposalProfiles.current(ctx),
    ]);
    const contactName = contact ? [contact.firstName, contact.lastName].filter(Boolean).join(" ") : "";
    const content = proposalContent(quote, account?.name ?? "", contactName, profile);
    return { content: await renderProposal(content), fileName: content.fileName, mediaType: PROPOSAL_MEDIA_TYPE };
  };
}

export function proposalService(deps: SalesDeps): ServiceRegistration {
  const { proposalProfiles, logger } = deps;
  const document = quoteDocument(deps);
  return implement(
    ProposalServiceService,
    {
      async getProposalProfile(_request, ctx) {
        return toProfile(await proposalProfiles.current(ctx));
      },

      async updateProposalProfile(request, ctx) {
        const { expectedVersion, ...change } = validate(UpdateProposalProfileInput, request);
        return toProfile(await proposalProfiles.replace(ctx, expectedVersion, { ...change, addressLines: change.addressLines.filter((l) => l !== "") }));
      },

      async renderQuoteDocument(request, ctx) {
        const { id } = validate(RenderQuoteDocumentInput, request);
        return document(ctx, id);
      },
    },
    logger,
  );
}

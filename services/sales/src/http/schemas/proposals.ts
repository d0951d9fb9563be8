import type { ProposalProfile } from "@relata/proto/sales/v1/proposal";
import { z } from "zod";
import { named, text, toVersion } from "@relata/platform/http";
import { PROPOSAL_LANGUAGES as PROPOSAL_LANGUAGE_TAGS } from "../../resources";

const MAX_ADDRESS_LINES = 6;

export const ProposalProfileUpdate = named(
  "ProposalProfileUpdate",
  z.strictObject({
    companyName: text(200).optional().meta({ description: "The seller's name on the documents; the tenant id is printed while it is empty." }),
    addressLines: z.array(text(200)).max(MAX_ADDRESS_LINES).optional().meta({ description: "The postal address, one line each." }),
    taxId: text(50).optional().meta({ description: "VAT / tax registration number." }),
    defaultTerms: text(4000).optional().meta({ description: "Printed when a quote has no terms of its own." }),
    defaultLanguage: z.enum(PROPOSAL_LANGUAGE_TAGS).optional().meta({ description: "The document's language when a quote names none (English otherwise)." }),
  }),
  "The whole profile: what is left out is emptied.",
);

export const ProposalProfileJson = named(
  "ProposalProfile",
  z.object({
    companyName: z.string(),
    addressLines: z.array(z.string()),
    taxId: z.string(),
    defaultTerms: z.string(),
    defaultLanguage: z.enum(PROPOSAL_LANGUAGE_TAGS).nullable(),
    version: z.number().int().min(0).meta({
      description: '0 while the tenant has no profile, then incremented on every change; the ETag. Send it back in If-Match ("0" while there is none) to replace exactly what was read.',
    }),
  }),
);

export function proposalProfileJson(p: ProposalProfile): z.output<typeof ProposalProfileJson> {
  const language = PROPOSAL_LANGUAGE_TAGS.find((l) => l === p.defaultLanguage) ?? null;
  return { companyName: p.companyName, addressLines: p.addressLines, taxId: p.taxId, defaultTerms: p.defaultTerms, defaultLanguage: language, version: toVersion(p.version) };
}

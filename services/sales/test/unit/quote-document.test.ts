import { NotFound, type CallContext } from "@relata/platform";
import { quoteDocument } from "../../src/rpc/proposals";
import type { SalesDeps } from "../../src/rpc/context";
import { emptyProfile, sampleQuote } from "./support/proposal-quote";
import { normalised, pdfText } from "@relata/testing";

/**
 * RenderQuoteDocument's work with stand-ins for what it reads: the quote through the injected
 * loadQuote, the customer's account and contact in the caller's tenant, the tenant's profile.
 */
const ctx = (tenantId: string) => ({ identity: { tenantId, subject: "rep", roles: ["sales-rep"], requestId: "r" } }) as unknown as CallContext;

function deps(records: { accounts: Record<string, { name: string }>; contacts: Record<string, { firstName: string; lastName: string }> }, profile = emptyProfile("t-1")) {
  const reads: string[] = [];
  const tenantReads = (what: "accounts" | "contacts") => ({
    in: (c: CallContext) => ({
      find: async (id: string) => {
        reads.push(`${what}:${c.identity.tenantId}:${id}`);
        return records[what][id] ?? null;
      },
    }),
  });
  const d = {
    repos: { accounts: tenantReads("accounts"), contacts: tenantReads("contacts") },
    proposalProfiles: { current: async () => ({ ...profile, version: 1 }) },
    loadQuote: async (c: CallContext, id: string) => {
      if (id !== "q-1") throw new NotFound("quote", id);
      return sampleQuote({ tenantId: "t-1", accountId: "a-1", contactId: "c-1", language: "ru", currency: "RUB" });
    },
  } as unknown as Pick<SalesDeps, "repos" | "proposalProfiles" | "loadQuote">;
  return { d, reads };
}

test("prints the quote's customer by the names of its account and contact, in the quote's language", async () => {
  const { d, reads } = deps({ accounts: { "a-1": { name: "ООО «Ромашка»" } }, contacts: { "c-1": { firstName: "Юлия", lastName: "Ковальчук" } } }, { ...emptyProfile("t-1"), companyName: "Relata" });
  const doc = await quoteDocument(d)(ctx("t-1"), "q-1");
  expect(doc.fileName).toBe("Q-000042-r2.pdf");
  expect(doc.mediaType).toBe("application/pdf");
  expect(reads.sort()).toEqual(["accounts:t-1:a-1", "contacts:t-1:c-1"]);
  const text = normalised(pdfText(Buffer.from(doc.content)).text);
  expect(text).toContain("Relata");
  expect(text).toContain("ООО «Ромашка»");
  expect(text).toContain("Контактное лицо: Юлия Ковальчук");
  expect(text).toContain("12 457,73 ₽");
});

test("a customer gone to the recycle bin prints no name; the document is still made", async () => {
  const { d } = deps({ accounts: {}, contacts: {} });
  const doc = await quoteDocument(d)(ctx("t-1"), "q-1");
  expect(normalised(pdfText(Buffer.from(doc.content)).text)).not.toContain("Контактное лицо");
});

test("a quote loadQuote does not find is NOT_FOUND; one of another tenant is never printed", async () => {
  const { d } = deps({ accounts: {}, contacts: {} });
  await expect(quoteDocument(d)(ctx("t-1"), "nope")).rejects.toBeInstanceOf(NotFound);
  await expect(quoteDocument(d)(ctx("t-2"), "q-1")).rejects.toBeInstanceOf(NotFound);
});

#!/usr/bin/env node
// Renders a sample proposal (Polish, three lines, two tax rates) with Sales' own renderer to the
// PDF named on the command line; docs/images/proposal-page.png is its first page:
//   make build && node services/sales/scripts/proposal-sample.cjs /tmp/proposal.pdf &&
//   pdftoppm -png -r 80 -f 1 -l 1 -singlefile /tmp/proposal.pdf docs/images/proposal-page
const { writeFileSync } = require("node:fs");
const { proposalContent } = require("../dist/domain/proposal");
const { renderProposal } = require("../dist/codec/proposal-pdf");
const { DiscountKind, Quote } = require("@relata/proto/sales/v1/quote");

const quote = Quote.fromPartial({
  id: "sample",
  tenantId: "acme",
  number: "Q-000042",
  revision: 2,
  currency: "PLN",
  language: "pl",
  lines: [
    { name: "Licencja Relata Enterprise — użytkownik / rok", unit: "szt.", quantity: "10", unitPrice: "1000.00", discount: { kind: DiscountKind.DISCOUNT_KIND_PERCENT, value: "10" }, taxRate: "23", discountAmount: "1000.00", netAmount: "9000.00" },
    { name: "Wdrożenie i szkolenie zespołu", unit: "h", quantity: "12.5", unitPrice: "200.00", taxRate: "23", discountAmount: "0.00", netAmount: "2500.00" },
    { name: "Podręcznik użytkownika (druk)", unit: "szt.", quantity: "3", unitPrice: "61.89", taxRate: "8", discountAmount: "0.00", netAmount: "185.67" },
  ],
  totals: {
    subtotal: "12685.67",
    lineDiscounts: "1000.00",
    quoteDiscount: "0.00",
    net: "11685.67",
    tax: "2659.85",
    total: "14345.52",
    taxes: [
      { rate: "23", base: "11500.00", amount: "2645.00" },
      { rate: "8", base: "185.67", amount: "14.85" },
    ],
  },
  validUntil: "2027-01-15",
  validTimeZone: "Europe/Warsaw",
  terms: "Płatność przelewem w ciągu 14 dni od daty wystawienia faktury. Ceny nie obejmują kosztów podróży.",
  sentAt: "2026-12-01T09:30:00Z",
});
const profile = {
  tenantId: "acme",
  companyName: "Relata Demo Sp. z o.o.",
  addressLines: ["ul. Marszałkowska 1", "00-001 Warszawa"],
  taxId: "PL5250001009",
  defaultTerms: "",
  defaultLanguage: "pl",
};

void renderProposal(proposalContent(quote, "Zażółć Gęślą Jaźń Sp. z o.o.", "Łukasz Żółkiewski", profile)).then((pdf) => {
  writeFileSync(process.argv[2] ?? "proposal.pdf", pdf);
});

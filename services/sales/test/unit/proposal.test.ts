import { readFileSync } from "node:fs";
import { renderProposal } from "../../src/codec/proposal-pdf";
import {
  formatCalendarDate,
  formatMoney,
  formatNumber,
  formatPercent,
  PROPOSAL_LABELS,
  PROPOSAL_LANGUAGES,
  proposalContent,
  proposalFileName,
  proposalLanguage,
} from "../../src/domain/proposal";
import { emptyProfile, sampleQuote } from "./support/proposal-quote";
import { normalised, pdfText } from "@relata/testing";

const n = normalised;

describe("formatting for the quote's language (Intl, from the decimal strings)", () => {
  test("money: grouping, decimal separator and currency as each language writes them", () => {
    expect(n(formatMoney("12345.67", "PLN", "pl"))).toBe("12 345,67 zł");
    expect(n(formatMoney("12345.67", "PLN", "en"))).toBe("PLN 12,345.67");
    expect(n(formatMoney("12345.67", "RUB", "ru"))).toBe("12 345,67 ₽");
    expect(n(formatMoney("12345.67", "UAH", "uk"))).toBe("12 345,67 ₴");
    expect(n(formatMoney("0.5", "EUR", "en"))).toBe("€0.50");
  });

  test("money is never rounded through a float: 4 decimals and 16 digits come out as written", () => {
    expect(n(formatMoney("1234567890123.4567", "PLN", "pl"))).toBe("1 234 567 890 123,4567 zł");
    expect(n(formatMoney("0.1", "USD", "en"))).toBe("$0.10");
    // 2^53 + 1 has no double: a float would print ...992.
    expect(n(formatMoney("9007199254740993", "USD", "en"))).toBe("$9,007,199,254,740,993.00");
  });

  test("quantities and tax rates", () => {
    expect(formatNumber("2.5", "pl")).toBe("2,5");
    expect(formatNumber("1000", "en")).toBe("1,000");
    expect(formatPercent("23", "pl")).toBe("23%");
    expect(n(formatPercent("12.5", "ru"))).toBe("12,5 %");
    expect(formatPercent("0", "en")).toBe("0%");
    expect(formatPercent("100", "en")).toBe("100%");
    expect(formatPercent("0.0125", "en")).toBe("0.0125%");
  });

  test("calendar dates in the language's long form, the day as written", () => {
    expect(formatCalendarDate("2027-01-15", "pl")).toBe("15 stycznia 2027");
    expect(formatCalendarDate("2027-01-15", "en")).toBe("January 15, 2027");
    expect(n(formatCalendarDate("2027-01-15", "ru"))).toBe("15 января 2027 г.");
    expect(n(formatCalendarDate("2027-01-15", "uk"))).toBe("15 січня 2027 р.");
    expect(formatCalendarDate("", "en")).toBe("");
  });

  test("the language: the quote's, else the profile's default, else English", () => {
    expect(proposalLanguage("ru", "pl")).toBe("ru");
    expect(proposalLanguage("uk-UA")).toBe("uk");
    expect(proposalLanguage("", "pl")).toBe("pl");
    expect(proposalLanguage("de", "")).toBe("en");
    expect(proposalLanguage("", "")).toBe("en");
  });
});

describe("proposalContent", () => {
  test("what the document prints, translated and formatted", () => {
    const c = proposalContent(sampleQuote(), "Zażółć Gęślą Jaźń Sp. z o.o.", "Łukasz Żółkiewski", {
      ...emptyProfile(),
      companyName: "Relata Demo Sp. z o.o.",
      addressLines: ["ul. Marszałkowska 1", " ", "00-001 Warszawa"],
      taxId: "PL5250001009",
    });
    expect(c.language).toBe("pl");
    expect(c.labels.total).toBe("Do zapłaty");
    expect(c.seller).toEqual({ name: "Relata Demo Sp. z o.o.", addressLines: ["ul. Marszałkowska 1", "00-001 Warszawa"], taxId: "PL5250001009" });
    expect(c.customer).toEqual({ name: "Zażółć Gęślą Jaźń Sp. z o.o.", contact: "Łukasz Żółkiewski" });
    expect([c.number, c.revision, c.date, c.validUntil]).toEqual(["Q-000042", "2", "1 grudnia 2026", "15 stycznia 2027"]);
    expect(c.lines.map((l) => Object.fromEntries(Object.entries(l).map(([k, v]) => [k, n(v)])))).toEqual([
      { name: "Licencja Enterprise — użytkownik", quantity: "10", unit: "szt.", unitPrice: "1000,00 zł", discount: "10% (1000,00 zł)", taxRate: "23%", net: "9000,00 zł" },
      { name: "Wsparcie techniczne", quantity: "2,5", unit: "h", unitPrice: "100,00 zł", discount: "", taxRate: "23%", net: "250,00 zł" },
      { name: "Podręcznik", quantity: "1", unit: "szt.", unitPrice: "1100,21 zł", discount: "100,00 zł", taxRate: "8%", net: "1000,21 zł" },
    ]);
    expect(JSON.parse(n(JSON.stringify(c.totals)))).toEqual({
      subtotal: "11 350,21 zł",
      lineDiscounts: "1100,00 zł",
      quoteDiscount: "",
      net: "10 250,21 zł",
      taxes: [
        { label: "VAT 23%", amount: "2127,50 zł" },
        { label: "VAT 8%", amount: "80,02 zł" },
      ],
      total: "12 457,73 zł",
    });
    expect(c.terms).toBe("Płatność w ciągu 14 dni od daty wystawienia faktury.");
    expect(c.fileName).toBe("Q-000042-r2.pdf");
  });

  test("without a profile the seller is the tenant id; the profile's terms and language fill what the quote leaves empty", () => {
    expect(proposalContent(sampleQuote(), "A", "", emptyProfile("acme")).seller).toEqual({ name: "acme", addressLines: [], taxId: "" });
    const c = proposalContent(sampleQuote({ language: "", terms: "  " }), "A", "", { ...emptyProfile(), defaultLanguage: "uk", defaultTerms: "Оплата протягом 7 днів." });
    expect(c.language).toBe("uk");
    expect(c.labels.title).toBe("Комерційна пропозиція");
    expect(c.terms).toBe("Оплата протягом 7 днів.");
  });

  test("the date is the day the quote was sent in its validity's zone", () => {
    // 23:30 UTC on 31 December is already 1 January in Warsaw.
    const c = proposalContent(sampleQuote({ sentAt: "2026-12-31T23:30:00Z", language: "en" }), "A", "", emptyProfile());
    expect(c.date).toBe("January 1, 2027");
    const utc = proposalContent(sampleQuote({ sentAt: "2026-12-31T23:30:00Z", language: "en", validTimeZone: "" }), "A", "", emptyProfile());
    expect(utc.date).toBe("December 31, 2026");
  });

  test("a quote discount is printed when there is one, and the file name is safe", () => {
    const q = sampleQuote();
    const c = proposalContent({ ...q, totals: { ...q.totals!, quoteDiscount: "50.00" } }, "A", "", emptyProfile());
    expect(n(c.totals.quoteDiscount)).toBe("50,00 zł");
    expect(proposalFileName({ id: "q-9", number: "", revision: 0 })).toBe("q-9-r1.pdf");
    expect(proposalFileName({ id: "q-9", number: "Q/2026 01", revision: 3 })).toBe("Q_2026_01-r3.pdf");
  });
});

describe("the PDF", () => {
  const ru = () => proposalContent(sampleQuote({ language: "ru", currency: "RUB" }), "ООО «Ромашка»", "Юлия Ковальчук", emptyProfile());
  const pl = () =>
    proposalContent(sampleQuote(), "Zażółć Gęślą Jaźń Sp. z o.o.", "Łukasz Żółkiewski", { ...emptyProfile(), companyName: "Relata Demo Sp. z o.o." });

  test("is a PDF whose text names the Cyrillic customer and contact and the total", async () => {
    const pdf = await renderProposal(ru());
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const { pages, text } = pdfText(pdf);
    expect(pages).toBe(1);
    const t = n(text);
    expect(t).toContain("ООО «Ромашка»");
    expect(t).toContain("Юлия Ковальчук");
    expect(t).toContain("Коммерческое предложение");
    expect(t).toContain("Итого к оплате 12 457,73 ₽");
  });

  test("names the Polish customer and contact and the total as Intl writes it in Polish", async () => {
    const t = n(pdfText(await renderProposal(pl())).text);
    expect(t).toContain("Zażółć Gęślą Jaźń Sp. z o.o.");
    expect(t).toContain("Łukasz Żółkiewski");
    expect(t).toContain("Relata Demo Sp. z o.o.");
    expect(t).toContain("Do zapłaty 12 457,73 zł");
    expect(t).toContain("VAT 8% 80,02 zł");
    expect(t).toContain("Ważna do: 15 stycznia 2027");
  });

  test("no glyph is missing: every label of every language and every special letter comes back out of the PDF", async () => {
    const letters = "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ абвгґдеєжзиіїйклмнопрстуфхцчшщьюяёъыэ АБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯЁЪЫЭ «»—№";
    for (const language of PROPOSAL_LANGUAGES) {
      const quote = sampleQuote({ language });
      quote.totals!.quoteDiscount = "50.00"; // so that its label is printed too
      const content = { ...proposalContent(quote, letters, "Łukasz Żółkiewski", { ...emptyProfile(), taxId: "PL1" }), terms: letters };
      const t = n(pdfText(await renderProposal(content)).text);
      const labels = PROPOSAL_LABELS[language];
      for (const [key, label] of Object.entries(labels)) {
        if (key === "taxAt" || key === "page") continue; // printed with their values
        expect({ language, label, found: t.includes(n(label)) }).toEqual({ language, label, found: true });
      }
      expect(t).toContain(n(letters));
    }
  });

  test("the font has a glyph for every character any label or the test names use (DejaVu Sans: Latin Extended and Cyrillic)", () => {
    // fontkit is the font engine pdfkit embeds fonts with; a missing glyph would print as a box.
    const fontkit = require("fontkit") as { create(buffer: Buffer): { hasGlyphForCodePoint(cp: number): boolean } };
    const font = fontkit.create(readFileSync(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")));
    const text = [...Object.values(PROPOSAL_LABELS).flatMap((l) => Object.values(l)), "ООО «Ромашка» Юлия Ковальчук Zażółć Gęślą Jaźń Łukasz Żółkiewski ₽ zł ₴ € $ − —"].join("");
    const missing = [...new Set(text)].filter((ch) => !/\s/.test(ch) && !font.hasGlyphForCodePoint(ch.codePointAt(0)!));
    expect(missing).toEqual([]);
  });

  test("many lines flow onto further pages, each numbered", async () => {
    const q = sampleQuote({ language: "en" });
    const lines = Array.from({ length: 60 }, (_, i) => ({ ...q.lines[i % 3]!, id: `l${i}`, name: `Line ${i + 1}` }));
    const { pages, text } = pdfText(await renderProposal(proposalContent({ ...q, lines }, "Acme", "", emptyProfile())));
    expect(pages).toBeGreaterThan(1);
    const t = n(text);
    expect(t).toContain("Line 60");
    expect(t).toContain(`Page ${pages}/${pages}`);
  });
});

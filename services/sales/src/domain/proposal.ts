import { decimalUnits, formatDecimal } from "@relata/platform";
import { DiscountKind, type Quote } from "@relata/proto/sales/v1/quote";
import { PROPOSAL_LANGUAGES } from "../resources";

/**
 * The proposal document a rep sends: what goes on it, built from a quote, its customer and the
 * tenant's proposal profile, with every label translated and every amount and date already
 * formatted for the quote's language. The renderer (codec/proposal-pdf.ts) only lays it out.
 */

export { PROPOSAL_LANGUAGES };
/** A language a proposal is written in; another language falls back to English. */
export type ProposalLanguage = (typeof PROPOSAL_LANGUAGES)[number];

export const MAX_ADDRESS_LINES = 6;

/** The seller's details printed on the tenant's proposals (one per tenant, `_id` = tenant id). */
export interface ProposalProfileRecord {
  _id: string;
  tenantId: string;
  companyName: string;
  addressLines: string[];
  taxId: string;
  defaultTerms: string;
  /** "" or one of PROPOSAL_LANGUAGES. */
  defaultLanguage: string;
  version: number;
  updatedAt: Date;
}

/** What a profile says, whether stored or not (no profile: all empty, version 0). */
export type ProposalProfileFields = Pick<ProposalProfileRecord, "tenantId" | "companyName" | "addressLines" | "taxId" | "defaultTerms" | "defaultLanguage">;

export interface ProposalLabels {
  title: string;
  customer: string;
  contact: string;
  taxId: string;
  number: string;
  revision: string;
  date: string;
  validUntil: string;
  item: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  discount: string;
  taxRate: string;
  net: string;
  subtotal: string;
  lineDiscounts: string;
  quoteDiscount: string;
  netTotal: string;
  /** "Tax 23 %": the rate goes in place of {rate}. */
  taxAt: string;
  total: string;
  terms: string;
  page: string;
}

export const PROPOSAL_LABELS: Record<ProposalLanguage, ProposalLabels> = {
  en: {
    title: "Proposal",
    customer: "Customer",
    contact: "Contact",
    taxId: "Tax ID",
    number: "Quote",
    revision: "Revision",
    date: "Date",
    validUntil: "Valid until",
    item: "Item",
    quantity: "Quantity",
    unit: "Unit",
    unitPrice: "Unit price",
    discount: "Discount",
    taxRate: "Tax",
    net: "Net",
    subtotal: "Subtotal",
    lineDiscounts: "Line discounts",
    quoteDiscount: "Quote discount",
    netTotal: "Net total",
    taxAt: "Tax {rate}",
    total: "Total",
    terms: "Terms",
    page: "Page",
  },
  pl: {
    title: "Oferta handlowa",
    customer: "Klient",
    contact: "Osoba kontaktowa",
    taxId: "NIP",
    number: "Oferta",
    revision: "Wersja",
    date: "Data",
    validUntil: "Ważna do",
    item: "Pozycja",
    quantity: "Ilość",
    unit: "J.m.",
    unitPrice: "Cena jedn.",
    discount: "Rabat",
    taxRate: "VAT",
    net: "Netto",
    subtotal: "Suma",
    lineDiscounts: "Rabaty pozycji",
    quoteDiscount: "Rabat od oferty",
    netTotal: "Razem netto",
    taxAt: "VAT {rate}",
    total: "Do zapłaty",
    terms: "Warunki",
    page: "Strona",
  },
  ru: {
    title: "Коммерческое предложение",
    customer: "Клиент",
    contact: "Контактное лицо",
    taxId: "ИНН",
    number: "Предложение",
    revision: "Редакция",
    date: "Дата",
    validUntil: "Действительно до",
    item: "Позиция",
    quantity: "Кол-во",
    unit: "Ед.",
    unitPrice: "Цена за ед.",
    discount: "Скидка",
    taxRate: "НДС",
    net: "Без НДС",
    subtotal: "Сумма",
    lineDiscounts: "Скидки по позициям",
    quoteDiscount: "Скидка на предложение",
    netTotal: "Итого без НДС",
    taxAt: "НДС {rate}",
    total: "Итого к оплате",
    terms: "Условия",
    page: "Страница",
  },
  uk: {
    title: "Комерційна пропозиція",
    customer: "Клієнт",
    contact: "Контактна особа",
    taxId: "ІПН",
    number: "Пропозиція",
    revision: "Редакція",
    date: "Дата",
    validUntil: "Дійсна до",
    item: "Позиція",
    quantity: "Кількість",
    unit: "Од.",
    unitPrice: "Ціна за од.",
    discount: "Знижка",
    taxRate: "ПДВ",
    net: "Без ПДВ",
    subtotal: "Сума",
    lineDiscounts: "Знижки за позиціями",
    quoteDiscount: "Знижка на пропозицію",
    netTotal: "Разом без ПДВ",
    taxAt: "ПДВ {rate}",
    total: "Разом до сплати",
    terms: "Умови",
    page: "Сторінка",
  },
};

export interface ProposalLine {
  name: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  /** The line's own discount as an amount, or "" when there is none. */
  discount: string;
  taxRate: string;
  net: string;
}

/** Everything the document prints, already translated and formatted. */
export interface ProposalContent {
  language: ProposalLanguage;
  labels: ProposalLabels;
  seller: { name: string; addressLines: string[]; taxId: string };
  customer: { name: string; contact: string };
  number: string;
  revision: string;
  date: string;
  validUntil: string;
  lines: ProposalLine[];
  totals: {
    subtotal: string;
    /** "" when there are none. */
    lineDiscounts: string;
    quoteDiscount: string;
    net: string;
    taxes: { label: string; amount: string }[];
    total: string;
  };
  terms: string;
  /** The name the file is offered under: "Q-000042-r2.pdf". */
  fileName: string;
}

/** The language a proposal is written in: the quote's, else the profile's default, else English. */
export function proposalLanguage(quoteLanguage: string, defaultLanguage = ""): ProposalLanguage {
  const pick = (tag: string) => PROPOSAL_LANGUAGES.find((l) => l === tag.trim().toLowerCase().split(/[-_]/)[0]);
  return pick(quoteLanguage) ?? pick(defaultLanguage) ?? "en";
}

/** A decimal string as Intl formats it, exactly: Intl reads a numeric string without going through a float. */
type Exact = Parameters<Intl.NumberFormat["format"]>[0];
const exact = (decimal: string) => decimal as unknown as Exact;

/** An amount of money in the language's way: "12 345,67 zł" (pl), "$12,345.67" (en). Empty stays empty. */
export function formatMoney(amount: string, currency: string, language: ProposalLanguage): string {
  if (!amount) return "";
  if (!currency) return formatNumber(amount, language, 2);
  return new Intl.NumberFormat(language, { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: 4 }).format(exact(amount));
}

/** A quantity or other number, with up to `maxDecimals` decimals as it has them. */
export function formatNumber(decimal: string, language: ProposalLanguage, minDecimals = 0, maxDecimals = 4): string {
  return new Intl.NumberFormat(language, { minimumFractionDigits: minDecimals, maximumFractionDigits: maxDecimals }).format(exact(decimal));
}

/** A percentage given as "23" or "12.5": "23%" (en, pl, uk), "23 %" (ru); the division by 100 is done on the decimal string. */
export function formatPercent(rate: string, language: ProposalLanguage): string {
  const fraction = formatDecimal(decimalUnits(rate || "0"), 4); // 4 decimals: "12.5000"
  const [whole = "0", part = ""] = fraction.replace("-", "").split(".");
  const digits = whole.padStart(3, "0");
  const shifted = `${fraction.startsWith("-") ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}${part}`;
  return new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 4 }).format(exact(shifted));
}

/** A calendar date (YYYY-MM-DD) in the language's long form: "15 stycznia 2027". */
export function formatCalendarDate(date: string, language: ProposalLanguage): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return "";
  return new Intl.DateTimeFormat(language, { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
}

/** The day an instant falls on in a zone (YYYY-MM-DD); UTC when the zone is empty or unknown. */
export function dayIn(at: Date, timeZone: string): string {
  const format = (zone: string) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
  try {
    return format(timeZone || "UTC");
  } catch {
    return format("UTC");
  }
}

const isZero = (amount: string) => !amount || decimalUnits(amount) === 0n;

/** The file name a quote's document is offered under: its number and revision ("Q-000042-r2.pdf"). */
export function proposalFileName(quote: Pick<Quote, "id" | "number" | "revision">): string {
  const base = (quote.number || quote.id || "quote").replace(/[^A-Za-z0-9._-]/g, "_");
  return `${base}-r${quote.revision || 1}.pdf`;
}

/**
 * The content of a quote's proposal: the seller from the profile (the tenant id while the
 * tenant has none), the customer's account and contact names, the quote's lines and totals as
 * the server computed them, the validity and the terms (the quote's, else the profile's).
 * `now` dates a quote that was never sent nor stored (a draft being previewed).
 */
export function proposalContent(quote: Quote, accountName: string, contactName: string, profile: ProposalProfileFields, now = new Date()): ProposalContent {
  const language = proposalLanguage(quote.language, profile.defaultLanguage);
  const labels = PROPOSAL_LABELS[language];
  const money = (amount: string) => formatMoney(amount, quote.currency, language);
  const dated = quote.sentAt ?? quote.updatedAt ?? quote.createdAt ?? now;
  const totals = quote.totals;
  return {
    language,
    labels,
    seller: { name: profile.companyName.trim() || profile.tenantId || quote.tenantId, addressLines: profile.addressLines.filter((l) => l.trim()), taxId: profile.taxId },
    customer: { name: accountName, contact: contactName },
    number: quote.number || quote.id,
    revision: String(quote.revision || 1),
    date: formatCalendarDate(dayIn(new Date(dated), quote.validTimeZone), language),
    validUntil: formatCalendarDate(quote.validUntil, language),
    lines: quote.lines.map((l) => ({
      name: l.name || l.productCode,
      quantity: formatNumber(l.quantity || "0", language),
      unit: l.unit,
      unitPrice: money(l.unitPrice),
      discount: isZero(l.discountAmount)
        ? ""
        : l.discount?.kind === DiscountKind.DISCOUNT_KIND_PERCENT
          ? `${formatPercent(l.discount.value, language)} (${money(l.discountAmount)})`
          : money(l.discountAmount),
      taxRate: formatPercent(l.taxRate, language),
      net: money(l.netAmount),
    })),
    totals: {
      subtotal: money(totals?.subtotal ?? "0"),
      lineDiscounts: isZero(totals?.lineDiscounts ?? "") ? "" : money(totals!.lineDiscounts),
      quoteDiscount: isZero(totals?.quoteDiscount ?? "") ? "" : money(totals!.quoteDiscount),
      net: money(totals?.net ?? "0"),
      taxes: (totals?.taxes ?? []).map((t) => ({ label: labels.taxAt.replace("{rate}", formatPercent(t.rate, language)), amount: money(t.amount) })),
      total: money(totals?.total ?? "0"),
    },
    terms: quote.terms.trim() || profile.defaultTerms.trim(),
    fileName: proposalFileName(quote),
  };
}

import { readFileSync } from "node:fs";
import PDFDocument from "pdfkit";
import type { ProposalContent } from "../domain/proposal";

/**
 * The proposal as a PDF, laid out with pdfkit (a maintained library: text layout, wrapping,
 * pages, and fonts through fontkit, which embeds only the glyphs used with a ToUnicode map, so
 * the text can be searched and copied). The font is DejaVu Sans from the `dejavu-fonts-ttf`
 * package, installed with the service (never fetched at run time): it covers Latin Extended
 * (Polish) and Cyrillic (Russian, Ukrainian). pdfkit's built-in Helvetica covers neither.
 */

export const PROPOSAL_MEDIA_TYPE = "application/pdf";

const fontFile = (name: string) => readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${name}`));
let fonts: { regular: Buffer; bold: Buffer } | undefined;
/** Read once, on the first document. */
function proposalFonts() {
  fonts ??= { regular: fontFile("DejaVuSans.ttf"), bold: fontFile("DejaVuSans-Bold.ttf") };
  return fonts;
}

const MARGIN = 50;
const REGULAR = "DejaVu";
const BOLD = "DejaVu-Bold";

/** The lines table: column share of the text width and alignment. */
const COLUMNS = [
  { key: "name", share: 0.27, align: "left" },
  { key: "quantity", share: 0.12, align: "right" },
  { key: "unit", share: 0.07, align: "left" },
  { key: "unitPrice", share: 0.14, align: "right" },
  { key: "discount", share: 0.14, align: "right" },
  { key: "taxRate", share: 0.09, align: "right" },
  { key: "net", share: 0.17, align: "right" },
] as const;

/** Renders the content on A4 pages; resolves with the whole file. */
export function renderProposal(content: ProposalContent): Promise<Buffer> {
  const { regular, bold } = proposalFonts();
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    bufferPages: true,
    lang: content.language,
    info: { Title: `${content.labels.title} ${content.number}`, Author: content.seller.name, Subject: content.customer.name },
  });
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const L = content.labels;
  const left = MARGIN;
  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN - 20;

  // Seller, top left; the document's title and reference, top right.
  doc.font(BOLD).fontSize(14).text(content.seller.name, left, MARGIN, { width: width * 0.55 });
  doc.font(REGULAR).fontSize(9);
  for (const line of content.seller.addressLines) doc.text(line, { width: width * 0.55 });
  if (content.seller.taxId) doc.text(`${L.taxId}: ${content.seller.taxId}`, { width: width * 0.55 });
  const sellerEnd = doc.y;

  const rightX = left + width * 0.58;
  const rightW = width * 0.42;
  doc.font(BOLD).fontSize(16).text(L.title, rightX, MARGIN, { width: rightW, align: "right" });
  doc.font(REGULAR).fontSize(9);
  const facts: [string, string][] = [
    [L.number, content.number],
    [L.revision, content.revision],
    [L.date, content.date],
    [L.validUntil, content.validUntil],
  ];
  for (const [label, value] of facts) if (value) doc.text(`${label}: ${value}`, rightX, doc.y, { width: rightW, align: "right" });

  // The customer.
  doc.y = Math.max(sellerEnd, doc.y) + 20;
  doc.font(BOLD).fontSize(10).text(L.customer, left, doc.y, { width });
  doc.font(REGULAR).fontSize(11).text(content.customer.name || "—", { width });
  if (content.customer.contact) doc.fontSize(9).text(`${L.contact}: ${content.customer.contact}`, { width });
  doc.moveDown(1.5);

  // The lines.
  const colX: number[] = [];
  let x = left;
  for (const c of COLUMNS) {
    colX.push(x);
    x += c.share * width;
  }
  const row = (cells: Record<(typeof COLUMNS)[number]["key"], string>, font: string, size: number) => {
    doc.font(font).fontSize(size);
    const heights = COLUMNS.map((c) => doc.heightOfString(cells[c.key] || " ", { width: c.share * width - 6 }));
    const h = Math.max(...heights) + 6;
    if (doc.y + h > bottom()) doc.addPage();
    const y = doc.y;
    COLUMNS.forEach((c, i) => doc.text(cells[c.key], colX[i]!, y + 3, { width: c.share * width - 6, align: c.align }));
    doc.moveTo(left, y + h).lineTo(left + width, y + h).lineWidth(0.5).strokeColor("#999999").stroke();
    doc.x = left;
    doc.y = y + h;
  };
  doc.moveTo(left, doc.y).lineTo(left + width, doc.y).lineWidth(0.8).strokeColor("#333333").stroke();
  row({ name: L.item, quantity: L.quantity, unit: L.unit, unitPrice: L.unitPrice, discount: L.discount, taxRate: L.taxRate, net: L.net }, BOLD, 7.5);
  for (const line of content.lines) row(line, REGULAR, 8.5);

  // The totals, right-aligned under the table.
  doc.moveDown(1);
  const totals: [string, string, boolean][] = [[L.subtotal, content.totals.subtotal, false]];
  if (content.totals.lineDiscounts) totals.push([L.lineDiscounts, `−${content.totals.lineDiscounts}`, false]);
  if (content.totals.quoteDiscount) totals.push([L.quoteDiscount, `−${content.totals.quoteDiscount}`, false]);
  totals.push([L.netTotal, content.totals.net, false]);
  for (const t of content.totals.taxes) totals.push([t.label, t.amount, false]);
  totals.push([L.total, content.totals.total, true]);
  const labelX = left + width * 0.45;
  for (const [label, value, strong] of totals) {
    doc.font(strong ? BOLD : REGULAR).fontSize(strong ? 11 : 9.5);
    if (doc.y + 16 > bottom()) doc.addPage();
    const y = doc.y;
    doc.text(label, labelX, y, { width: width * 0.3 });
    doc.text(value, labelX + width * 0.3, y, { width: width * 0.25, align: "right" });
    doc.x = left;
  }

  // Terms.
  if (content.terms) {
    doc.moveDown(1.5);
    if (doc.y + 40 > bottom()) doc.addPage();
    doc.font(BOLD).fontSize(10).text(L.terms, left, doc.y, { width });
    doc.font(REGULAR).fontSize(9).text(content.terms, { width });
  }

  // Page numbers, once the page count is known.
  const pages = doc.bufferedPageRange();
  for (let i = 0; i < pages.count; i++) {
    doc.switchToPage(pages.start + i);
    // The footer sits in the bottom margin, where pdfkit would otherwise start a new page.
    doc.page.margins.bottom = 0;
    doc.font(REGULAR).fontSize(8).fillColor("#666666");
    doc.text(`${content.number} · ${L.page} ${i + 1}/${pages.count}`, left, doc.page.height - MARGIN + 10, { width, align: "right", lineBreak: false });
  }
  doc.end();
  return done;
}

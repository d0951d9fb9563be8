import { execFileSync } from "node:child_process";

/**
 * The text of a PDF as a reader extracts it, with unpdf (PDF.js). PDF.js ships only ES modules
 * and jest runs the tests as CommonJS, so the extraction runs in a child node process: the PDF
 * goes in on stdin, the text comes back on stdout, one page after another.
 */
const EXTRACT = `
import { extractText, getDocumentProxy } from "unpdf";
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)));
const { text } = await extractText(pdf, { mergePages: true });
process.stdout.write(JSON.stringify({ pages: pdf.numPages, text }));
`;

export function pdfText(pdf: Buffer): { pages: number; text: string } {
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", EXTRACT], { input: pdf, cwd: __dirname, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.toString("utf8")) as { pages: number; text: string };
}

/** Every run of white space (Intl's narrow and no-break spaces, line breaks) as one plain space. */
export const normalised = (text: string) => text.replace(/[\s\u00a0\u202f\u2009]+/g, " ").trim();

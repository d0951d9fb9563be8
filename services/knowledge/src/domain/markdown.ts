import MarkdownIt from "markdown-it";
import sanitizeHtml from "sanitize-html";

/**
 * Articles are written in Markdown and served with their HTML. The renderer leaves raw HTML in
 * the Markdown as text (`html: false`), and the HTML it yields is then sanitised with an allow
 * list, so neither an editor's markup nor a crafted link can run script in a reader's browser.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "pre", "code",
    "ul", "ol", "li", "strong", "em", "s", "del", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
  ],
  allowedAttributes: { a: ["href", "title", "rel"], img: ["src", "alt", "title"], ol: ["start"], th: ["style"], td: ["style"], code: ["class"] },
  allowedStyles: { th: { "text-align": [/^(left|right|center)$/] }, td: { "text-align": [/^(left|right|center)$/] } },
  allowedClasses: { code: [/^language-[A-Za-z0-9_+-]+$/] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https"] },
  allowProtocolRelative: false,
  // Links leave the reader's page without handing it to the target.
  transformTags: { a: sanitizeHtml.simpleTransform("a", { rel: "noopener noreferrer nofollow" }) },
};

/** The body's HTML, safe to show as it is. */
export function renderArticleBody(body: string): string {
  return sanitizeHtml(markdown.render(body), ALLOWED);
}

/** Plain text of a Markdown body, for the search index (no markup, no URLs of links). */
export function plainText(body: string): string {
  return sanitizeHtml(markdown.render(body), { allowedTags: [], allowedAttributes: {} }).replace(/\s+/g, " ").trim();
}

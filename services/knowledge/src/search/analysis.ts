/**
 * How each article language is analysed in the search index. OpenSearch ships stemming
 * analyzers for English, German and Russian (and more); Polish and Ukrainian need plugins
 * (analysis-stempel, analysis-ukrainian) that the distribution we run does not bundle, so they
 * and every other language get the standard analyzer: words split by Unicode rules and
 * lower-cased, no stemming (a search must name a word's form, fuzziness covers near forms).
 */
export const ANALYZED_LANGUAGES = { en: "english", de: "german", ru: "russian" } as const;

export type LanguageField = keyof typeof ANALYZED_LANGUAGES | "std";

/** Every language field suffix, in the order the query lists them. */
export const LANGUAGE_FIELDS: readonly LanguageField[] = ["en", "de", "ru", "std"];

/** The field suffix of a BCP 47 tag: its primary subtag when analysed ("de-AT" → "de"), otherwise "std". */
export function languageField(tag: string): LanguageField {
  const primary = tag.toLowerCase().split("-")[0] ?? "";
  return primary in ANALYZED_LANGUAGES ? (primary as LanguageField) : "std";
}

/** The analyzer of a language field. */
export const analyzerOf = (field: LanguageField): string => (field === "std" ? "standard" : ANALYZED_LANGUAGES[field]);

/** The text fields of an article document, each stored once per language field ("title_de"). */
export const TEXT_FIELDS = ["title", "summary", "body"] as const;
export type TextField = (typeof TEXT_FIELDS)[number];

/** Title matches count most, then the summary, then the body. */
export const FIELD_BOOST: Record<TextField, number> = { title: 3, summary: 2, body: 1 };

/** The index's settings and mappings. */
export function indexDefinition() {
  const text: Record<string, unknown> = {};
  for (const lang of LANGUAGE_FIELDS) for (const f of TEXT_FIELDS) text[`${f}_${lang}`] = { type: "text", analyzer: analyzerOf(lang) };
  return {
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: {
      dynamic: "strict",
      properties: {
        tenantId: { type: "keyword" },
        articleId: { type: "keyword" },
        variantGroup: { type: "keyword" },
        category: { type: "keyword" },
        language: { type: "keyword" },
        product: { type: "keyword" },
        visibility: { type: "keyword" },
        tags: { type: "keyword" },
        publishedVersion: { type: "integer" },
        publishedAt: { type: "date" },
        title: { type: "keyword", index: false },
        summary: { type: "keyword", index: false },
        ...text,
      },
    },
  };
}

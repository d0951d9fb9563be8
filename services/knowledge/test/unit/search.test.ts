import { ArticleVisibility } from "@relata/proto/knowledge/v1/article";
import { languageField, indexDefinition } from "../../src/search/analysis";
import { documentId, indexOperation, queryFields } from "../../src/search/index";
import { decodeCursor, encodeCursor, highlightsOf, searchBody, suggestBody } from "../../src/search/queries";

const published = {
  id: "a1",
  tenantId: "acme",
  title: "Drucker offline",
  body: "# Schritte\n\nDen **Drucker** neu starten.",
  bodyHtml: "",
  summary: "Wenn der Drucker nicht druckt",
  category: "hardware",
  tags: { values: ["drucker"] },
  language: "de-AT",
  product: "PrintHub",
  visibility: ArticleVisibility.ARTICLE_VISIBILITY_PUBLIC,
  variantGroup: "g1",
  contentVersion: 3,
  publishedVersion: 3,
  version: "7",
} as never;

describe("the search index's documents", () => {
  test("a published version is indexed under the tenant-qualified id, the record version as external version, its text in its language's fields", () => {
    const op = indexOperation({ meta: { tenantId: "acme" } as never, article: published, published, comment: "" });
    expect(op?.kind).toBe("index");
    if (op?.kind !== "index") return;
    expect([op.id, op.version]).toEqual([documentId("acme", "a1"), 7]);
    expect(op.document).toMatchObject({ tenantId: "acme", articleId: "a1", language: "de-AT", visibility: "public", category: "hardware", product: "PrintHub", publishedVersion: 3 });
    expect(op.document.title_de).toBe("Drucker offline");
    expect(op.document.body_de).toBe("Schritte Den Drucker neu starten.");
    expect(op.document.title_en).toBeUndefined();
  });

  test("an article nobody is served (draft, archived, deleted) is removed, at its record version", () => {
    expect(indexOperation({ meta: { tenantId: "acme" } as never, article: published, published: undefined, comment: "" })).toEqual({ kind: "delete", id: "acme:a1", version: 7 });
  });

  test("English, German and Russian get their analyzers; Polish, Ukrainian and the rest the standard one", () => {
    expect(["en", "en-GB", "de", "de-CH", "ru", "pl", "uk", "pt-BR"].map(languageField)).toEqual(["en", "en", "de", "de", "ru", "std", "std", "std"]);
    const props = indexDefinition().mappings.properties as Record<string, { analyzer?: string }>;
    expect([props.body_en?.analyzer, props.body_de?.analyzer, props.body_ru?.analyzer, props.body_std?.analyzer]).toEqual(["english", "german", "russian", "standard"]);
  });
});

describe("search queries", () => {
  const base = { tenantId: "acme", query: "drucker", publicOnly: false, size: 10 };

  test("every search is filtered by the tenant in the engine, typo-tolerant, highlighted and counted per category", () => {
    const body = searchBody(base) as { query: { bool: { filter: unknown[]; must: { multi_match: { fuzziness: string; fields: string[] } }[] } }; aggs: unknown; highlight: { encoder: string } };
    expect(body.query.bool.filter).toEqual([{ term: { tenantId: "acme" } }]);
    expect(body.query.bool.must[0]!.multi_match.fuzziness).toBe("AUTO");
    expect(body.query.bool.must[0]!.multi_match.fields).toContain("title_ru^3");
    expect(body.aggs).toEqual({ categories: { terms: { field: "category", size: 100, missing: "" } } });
    expect(body.highlight.encoder).toBe("html");
  });

  test("filters narrow the query; the category filter applies after the counts; partner clients get public articles only", () => {
    const body = searchBody({ ...base, language: "de", product: "PrintHub", category: "hardware", publicOnly: true }) as {
      query: { bool: { filter: unknown[]; must: { multi_match: { fields: string[] } }[] } };
      post_filter: unknown;
    };
    expect(body.query.bool.filter).toEqual([{ term: { tenantId: "acme" } }, { term: { language: "de" } }, { term: { product: "PrintHub" } }, { term: { visibility: "public" } }]);
    expect(body.post_filter).toEqual({ term: { category: "hardware" } });
    expect(body.query.bool.must[0]!.multi_match.fields).toEqual(queryFields("de"));
    expect(queryFields("de")).toEqual(["title_de^3", "summary_de^2", "body_de^1"]);
  });

  test("suggestions: more like the case's text, in the tenant, by product", () => {
    const body = suggestBody({ tenantId: "acme", text: "printer offline", product: "PrintHub", publicOnly: false, size: 5 }) as {
      query: { bool: { filter: unknown[]; must: { more_like_this: { like: string } }[] } };
    };
    expect(body.query.bool.must[0]!.more_like_this.like).toBe("printer offline");
    expect(body.query.bool.filter).toEqual([{ term: { tenantId: "acme" } }, { term: { product: "PrintHub" } }]);
  });

  test("cursors round-trip; anything else is refused naming the cursor", () => {
    expect(decodeCursor(encodeCursor([1.5, "a1"]))).toEqual([1.5, "a1"]);
    expect(() => decodeCursor("nonsense")).toThrow(expect.objectContaining({ field: "cursor" }));
  });

  test("highlights are grouped by field whatever the language", () => {
    expect(highlightsOf({ title_de: ["<mark>Drucker</mark>"], body_std: ["a", "b"] })).toEqual({ title: ["<mark>Drucker</mark>"], summary: [], body: ["a", "b"] });
  });
});

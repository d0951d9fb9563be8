import { knowledgeFigures, searchKey, topLimit } from "../../src/domain/knowledge";

test("the top lists' length: 10 by default, at most 100", () => {
  expect(topLimit(0)).toBe(10);
  expect(topLimit(-3)).toBe(10);
  expect(topLimit(1)).toBe(1);
  expect(topLimit(250)).toBe(100);
});

test("empty searches are grouped by their trimmed, lower-cased text", () => {
  expect(searchKey("  Refund  ")).toBe("refund");
  expect(searchKey("REFUND\tpolicy")).toBe("refund policy");
});

test("the figures from the rows; the no-result rate is 0 without searches", () => {
  const f = knowledgeFigures(
    { views: 10n, searches: 6n, searches_without_results: 5n, helpful: 3n, not_helpful: 2n, linked_to_cases: 3n },
    [{ article_id: "a1", title: "Reset", views: 3n, helpful: 2n, not_helpful: 1n, cases_solved: 1n }],
    [{ query: "refund", count: 3n }],
  );
  expect(f).toEqual({
    views: 10, searches: 6, searchesWithoutResults: 5, noResultRate: 5 / 6, helpful: 3, notHelpful: 2, linkedToCases: 3,
    topArticles: [{ articleId: "a1", title: "Reset", views: 3, helpful: 2, notHelpful: 1, casesSolved: 1 }],
    emptySearches: [{ query: "refund", count: 3 }],
  });
  expect(knowledgeFigures({ views: 0n, searches: 0n, searches_without_results: 2n }, [], []).noResultRate).toBe(0);
});

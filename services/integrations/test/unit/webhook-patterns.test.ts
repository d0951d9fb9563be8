import { firstUnmatchedPattern, matchesEventType, subscribes } from "../../src/domain/webhook-patterns";
import { EVENT_TYPE_PATTERN } from "../../src/resources";

test.each([
  ["sales.lead.created", "sales.lead.created", true],
  ["sales.lead.created", "sales.lead.updated", false],
  ["sales.lead.*", "sales.lead.created", true],
  ["sales.lead.*", "sales.lead", false],
  ["sales.lead.*", "sales.account.created", false],
  ["sales.*.created", "sales.account.created", true],
  ["sales.>", "sales.lead.created", true],
  ["sales.>", "sales", false],
  ["sales.>", "service.case.opened", false],
  [">", "marketing.campaign.launched", true],
  ["*.*.created", "sales.account.created", true],
  ["sales.lead", "sales.lead.created", false],
])("%s matches %s: %s", (pattern, type, expected) => {
  expect(matchesEventType(pattern, type)).toBe(expected);
});

test("a webhook subscribes to a type when any of its patterns matches", () => {
  expect(subscribes(["service.case.*", "sales.lead.created"], "sales.lead.created")).toBe(true);
  expect(subscribes(["service.case.*"], "sales.lead.created")).toBe(false);
});

test("the first pattern that matches no known type is named", () => {
  const known = ["sales.lead.created", "sales.lead.updated", "service.case.opened"];
  expect(firstUnmatchedPattern(["sales.lead.*", "service.>"], known)).toBe(-1);
  expect(firstUnmatchedPattern(["sales.lead.*", "sales.deal.*"], known)).toBe(1);
});

test("the pattern syntax: words, * and a final >", () => {
  for (const ok of ["sales.lead.created", "sales.lead.*", "sales.>", ">", "*.case.opened", "webhook.ping"]) expect(EVENT_TYPE_PATTERN.test(ok)).toBe(true);
  for (const bad of ["sales.>.created", "Sales.lead", "sales..lead", "sales.lead.", "sales lead", "sales.le*d"]) expect(EVENT_TYPE_PATTERN.test(bad)).toBe(false);
});

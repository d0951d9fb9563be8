import { StateConflict, InvalidArgument } from "@relata/platform";
import { audienceOf, checkTransition, viewHour, type ArticleTransition } from "../../src/domain/workflow";
import type { ArticleStatus } from "../../src/domain/types";

const article = (status: ArticleStatus, authorId = "author") => ({ _id: "a1", status, authorId });

describe("article workflow", () => {
  const allowed: [ArticleTransition, ArticleStatus][] = [
    ["submit", "draft"],
    ["approve", "in_review"],
    ["reject", "in_review"],
    ["archive", "draft"],
    ["archive", "in_review"],
    ["archive", "published"],
  ];
  test.each(allowed)("%s from %s is allowed for another editor", (transition, status) => {
    expect(() => checkTransition(transition, article(status), "reviewer", "why")).not.toThrow();
  });

  const refused: [ArticleTransition, ArticleStatus][] = [
    ["submit", "in_review"],
    ["submit", "published"],
    ["submit", "archived"],
    ["approve", "draft"],
    ["approve", "published"],
    ["approve", "archived"],
    ["reject", "draft"],
    ["reject", "published"],
    ["archive", "archived"],
  ];
  test.each(refused)("%s from %s is a state conflict naming the status", (transition, status) => {
    let thrown: unknown;
    try {
      checkTransition(transition, article(status), "reviewer", "why");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(StateConflict);
    expect((thrown as StateConflict).field).toBe("status");
  });

  test.each(["approve", "reject"] as const)("the version's own author cannot %s it", (transition) => {
    expect(() => checkTransition(transition, article("in_review", "ann"), "ann", "why")).toThrow(/other than the author/);
  });

  test("the author may submit and archive their own article", () => {
    expect(() => checkTransition("submit", article("draft", "ann"), "ann", "")).not.toThrow();
    expect(() => checkTransition("archive", article("published", "ann"), "ann", "")).not.toThrow();
  });

  test("a rejection must say why", () => {
    let thrown: unknown;
    try {
      checkTransition("reject", article("in_review"), "reviewer", "  ");
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InvalidArgument);
    expect((thrown as InvalidArgument).field).toBe("comment");
  });
});

describe("who reads what", () => {
  const editors = ["tenant-admin", "kb-editor"];
  const tenantRoles = ["tenant-admin", "kb-editor", "support-agent", "analyst"];
  test("editors, readers of the tenant, and partner clients", () => {
    expect(audienceOf(["kb-editor"], editors, tenantRoles)).toBe("editor");
    expect(audienceOf(["support-agent", "kb-editor"], editors, tenantRoles)).toBe("editor");
    expect(audienceOf(["support-agent"], editors, tenantRoles)).toBe("reader");
    expect(audienceOf(["scope:knowledge:read"], editors, tenantRoles)).toBe("public");
    expect(audienceOf([], editors, tenantRoles)).toBe("public");
  });

  test("a view is counted once per reader per hour", () => {
    expect(viewHour(new Date("2026-11-30T13:59:59.999Z"))).toBe("2026-11-30T13");
    expect(viewHour(new Date("2026-11-30T14:00:00.000Z"))).toBe("2026-11-30T14");
  });
});

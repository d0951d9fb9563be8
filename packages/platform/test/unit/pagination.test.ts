import { InvalidArgument } from "../../src/errors";
import { nextCursor, pageFilter, readPage } from "../../src/pagination";

const sortable = ["createdAt", "lastName"] as const;

describe("cursor pagination", () => {
  it("defaults the page size and the sort", () => {
    expect(readPage(undefined, sortable, "-createdAt")).toEqual({ pageSize: 50, field: "createdAt", direction: -1, after: undefined });
  });

  it("rejects a sort field that is not sortable, naming the field", () => {
    expect(() => readPage({ sort: "email" }, sortable, "-createdAt")).toThrow(InvalidArgument);
    try {
      readPage({ sort: "email" }, sortable, "-createdAt");
    } catch (err) {
      expect((err as InvalidArgument).field).toBe("sort");
    }
  });

  it("rejects page sizes outside 1..200", () => {
    expect(() => readPage({ pageSize: 201 }, sortable, "lastName")).toThrow(/page_size/);
    expect(() => readPage({ pageSize: -1 }, sortable, "lastName")).toThrow(/page_size/);
  });

  it("issues a cursor only when there is a further page, and reads it back", () => {
    const query = readPage({ pageSize: 2, sort: "-createdAt" }, sortable, "lastName");
    const rows = [
      { _id: "b", createdAt: new Date("2026-01-02T00:00:00Z") },
      { _id: "a", createdAt: new Date("2026-01-01T00:00:00Z") },
    ];
    expect(nextCursor(query, rows, 2)).toBe("");
    const cursor = nextCursor(query, rows, 3);
    const next = readPage({ pageSize: 2, sort: "-createdAt", cursor }, sortable, "lastName");
    expect(next.after).toEqual({ value: new Date("2026-01-01T00:00:00Z"), id: "a" });
    expect(pageFilter(next).filter).toEqual({
      $or: [{ createdAt: { $lt: new Date("2026-01-01T00:00:00Z") } }, { createdAt: new Date("2026-01-01T00:00:00Z"), _id: { $lt: "a" } }],
    });
    expect(pageFilter(next).sort).toEqual({ createdAt: -1, _id: -1 });
  });

  it("refuses a cursor made for another sort, or not made by the service", () => {
    const query = readPage({ pageSize: 1, sort: "lastName" }, sortable, "lastName");
    const cursor = nextCursor(query, [{ _id: "x", lastName: "Doe" }], 2);
    expect(() => readPage({ sort: "-lastName", cursor }, sortable, "lastName")).toThrow(/another sort/);
    expect(() => readPage({ cursor: "not-a-cursor" }, sortable, "lastName")).toThrow(/cursor/);
  });
});

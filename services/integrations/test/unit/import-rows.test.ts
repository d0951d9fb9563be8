import { ContactRow } from "@relata/proto/sales/v1/bulk";
import { columnFields, createFields, definitionProblem, JobFailure, rowBody } from "../../src/domain/import";
import { batchBuilder, rowRecordId } from "../../src/workflows/import-runner";

const job = (mapping: { column: string; field: string }[] = []) => ({ _id: "0b7d2a3e-0000-4000-8000-000000000001", object: "contacts" as const, mapping });

describe("a job's definition", () => {
  it("takes the create fields of the object's resource description", () => {
    expect(createFields("contacts")).toEqual(expect.arrayContaining(["lastName", "email", "accountId", "externalId"]));
    expect(createFields("accounts")).not.toContain("email");
  });

  it("asks an upsert for a match key the object has, and an insert for none", () => {
    expect(definitionProblem({ object: "contacts", operation: "upsert", matchKey: "", mapping: [] })).toMatchObject({ field: "matchKey" });
    expect(definitionProblem({ object: "accounts", operation: "upsert", matchKey: "email", mapping: [] })).toMatchObject({ field: "matchKey", reason: expect.stringContaining("accounts have no email") });
    expect(definitionProblem({ object: "accounts", operation: "upsert", matchKey: "external_id", mapping: [] })).toBeUndefined();
    expect(definitionProblem({ object: "contacts", operation: "insert", matchKey: "email", mapping: [] })).toMatchObject({ field: "matchKey" });
  });

  it("names the mapping entry whose field the object's create does not take", () => {
    const mapping = [
      { column: "Surname", field: "lastName" },
      { column: "Score", field: "score" },
    ];
    expect(definitionProblem({ object: "contacts", operation: "insert", matchKey: "", mapping })).toMatchObject({ field: "mapping.1.field" });
    expect(definitionProblem({ object: "contacts", operation: "insert", matchKey: "", mapping: [mapping[0]!, { column: "Surname", field: "email" }] })).toMatchObject({ field: "mapping.1.column" });
  });
});

describe("the header and the rows", () => {
  it("reads the fields from the header names, and fails the job on a column that is no field", () => {
    expect(columnFields(["lastName", " email "], "contacts", [])).toEqual(["lastName", "email"]);
    expect(() => columnFields(["lastName", "Nickname"], "contacts", [])).toThrow(JobFailure);
    expect(() => columnFields(["lastName", "Nickname"], "contacts", [])).toThrow(/column "Nickname"/);
  });

  it("maps columns through the mapping, ignores the unmapped ones, and fails on a mapped column missing from the header", () => {
    expect(columnFields(["Surname", "Mail", "Notes"], "contacts", [{ column: "Surname", field: "lastName" }, { column: "Mail", field: "email" }])).toEqual(["lastName", "email", undefined]);
    expect(() => columnFields(["Surname"], "contacts", [{ column: "Mail", field: "email" }])).toThrow(/column "Mail"/);
  });

  it("leaves empty cells out of the create body", () => {
    expect(rowBody(["Ada", "", "x"], ["lastName", "email", undefined])).toEqual({ lastName: "Ada" });
  });
});

describe("batches", () => {
  it("checks each row with the API's create schema, naming the field, and builds Sales' create request for the valid ones", () => {
    const builder = batchBuilder(job(), 0);
    expect(builder.add({ line: 1, cells: ["lastName", "email", "phone"] })).toBe(false);
    builder.add({ line: 2, cells: ["Lovelace", "ada@example.com", ""] });
    builder.add({ line: 3, cells: ["Hopper", "not-an-email", ""] });
    builder.add({ line: 5, cells: ["", "x@example.com", ""] });
    const batch = builder.take();
    expect(batch.processed).toBe(3);
    expect(batch.invalid).toBe(2);
    expect(batch.lastLine).toBe(5);
    expect(batch.failures).toEqual([
      { line: 3, field: "email", reason: expect.stringContaining("email") },
      { line: 5, field: "lastName", reason: expect.stringContaining("lastName") },
    ]);
    expect(batch.rows).toHaveLength(1);
    const row = batch.rows[0]!;
    expect(row).toMatchObject({ line: 2, id: rowRecordId(job()._id, 2) });
    // A proto create request Sales can decode.
    const record = ContactRow.fromPartial({ line: "2", id: row.id, record: row.record as never }).record!;
    expect(record).toMatchObject({ lastName: "Lovelace", email: "ada@example.com", phone: "" });
  });

  it("derives each row's record id from job and line, the same on every run", () => {
    expect(rowRecordId("job-1", 7)).toBe(rowRecordId("job-1", 7));
    expect(rowRecordId("job-1", 7)).not.toBe(rowRecordId("job-1", 8));
    expect(rowRecordId("job-1", 7)).not.toBe(rowRecordId("job-2", 7));
  });

  it("reads past the lines a checkpoint covers without checking or counting them", () => {
    const builder = batchBuilder(job(), 3);
    builder.add({ line: 1, cells: ["lastName"] });
    for (const line of [2, 3]) builder.add({ line, cells: [""] });
    builder.add({ line: 4, cells: ["Lovelace"] });
    const batch = builder.take();
    expect(batch.processed).toBe(1);
    expect(batch.failures).toEqual([]);
    expect(batch.rows.map((r) => r.line)).toEqual([4]);
  });

  it("fails the job when the first record is not the header line", () => {
    expect(() => batchBuilder(job(), 0).add({ line: 2, cells: ["lastName"] })).toThrow(JobFailure);
  });
});

import { Metadata, status } from "@grpc/grpc-js";
import { z } from "zod";
import { dependentsOf, fieldOf, HasDependents, InvalidArgument, NotFound, toGrpcError, VersionConflict } from "../../src/errors";
import { identityFromMetadata, identityToMetadata } from "../../src/identity";
import { parseInput } from "../../src/validation";

describe("caller identity in gRPC metadata", () => {
  it("round-trips tenant, subject, roles and request id", () => {
    const identity = { tenantId: "acme", subject: "u-1", roles: ["sales-rep", "analyst"], requestId: "r-1" };
    expect(identityFromMetadata(identityToMetadata(identity))).toEqual(identity);
  });

  it("refuses a call without a well-formed tenant", () => {
    const md = new Metadata();
    md.set("relata-subject", "u-1");
    expect(() => identityFromMetadata(md)).toThrow(/tenant/);
    md.set("relata-tenant", "Acme Corp");
    expect(() => identityFromMetadata(md)).toThrow(/tenant/);
  });
});

describe("errors across gRPC", () => {
  it("maps domain errors to statuses and carries the failing field", () => {
    const invalid = toGrpcError(new InvalidArgument("last_name", "last_name is required"));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldOf(invalid)).toBe("last_name");
    expect(toGrpcError(new NotFound("lead", "1")).code).toBe(status.NOT_FOUND);
    expect(toGrpcError(new VersionConflict("lead", "1")).code).toBe(status.FAILED_PRECONDITION);
  });

  it("carries a refused delete's dependents, with their counts, as ABORTED", () => {
    const refused = toGrpcError(new HasDependents("account", "a-1", [{ what: "contact", count: 2 }, { what: "opportunity", count: 1 }]));
    expect(refused.code).toBe(status.ABORTED);
    expect(refused.details).toBe("account a-1 cannot be deleted while other records depend on it: contact (2), opportunity (1); delete or move them first");
    expect(dependentsOf(refused)).toEqual([{ what: "contact", count: 2 }, { what: "opportunity", count: 1 }]);
    expect(dependentsOf(toGrpcError(new NotFound("account", "a-1")))).toBeUndefined();
  });

  it("hides unexpected errors", () => {
    const err = toGrpcError(new Error("connection string mongodb://user:secret@db"));
    expect(err).toMatchObject({ code: status.INTERNAL, details: "internal error" });
  });

  it("names the nested field that failed validation", () => {
    const schema = z.object({ amount: z.object({ currency: z.string().regex(/^[A-Z]{3}$/) }) });
    expect.assertions(2);
    try {
      parseInput(schema, { amount: { currency: "euro" } });
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidArgument);
      expect((err as InvalidArgument).field).toBe("amount.currency");
    }
  });
});

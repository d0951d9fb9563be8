import { Metadata } from "@grpc/grpc-js";
import { actorOf } from "../../src/actor";
import { EVENT_HEADERS, buildEvent } from "../../src/events/envelope";
import { identityFromMetadata, TENANT_ID_PATTERN } from "../../src/identity";
import { changedFields, filterOf } from "../../src/store/queries";
import { isDuplicateKey, requestHash } from "../../src/store/write";
import type { CallContext } from "../../src/grpc/service";
import { createLogger } from "../../src/logger";

describe("requestHash", () => {
  it("ignores key order, absent fields and the idempotency key, and sees any other difference", () => {
    expect(requestHash({ a: 1, b: { y: 2, x: 1 }, idempotencyKey: "k1" })).toBe(requestHash({ b: { x: 1, y: 2 }, a: 1, idempotencyKey: "k2", c: undefined }));
    expect(requestHash({ a: 1, b: "x" })).not.toBe(requestHash({ a: 1, b: "y" }));
    expect(requestHash({ list: [1, 2] })).not.toBe(requestHash({ list: [2, 1] }));
  });
});

describe("changedFields", () => {
  it("keeps only given fields whose value differs, comparing absent as empty", () => {
    const current = { name: "Acme", industry: "", amount: { amount: "1", currency: "EUR" } };
    expect(changedFields(current, { name: "Acme", industry: undefined })).toEqual({});
    expect(changedFields(current, { name: "Acme Corp", industry: "" })).toEqual({ name: "Acme Corp" });
    expect(changedFields(current, { amount: { amount: "1", currency: "EUR" } })).toEqual({});
    expect(changedFields(current, { amount: { amount: "2", currency: "EUR" } })).toEqual({ amount: { amount: "2", currency: "EUR" } });
  });
});

describe("filterOf", () => {
  it("drops absent and empty values (an empty proto field means any)", () => {
    expect(filterOf({ a: "x", b: "", c: undefined, d: 0, e: { $exists: false } })).toEqual({ a: "x", d: 0, e: { $exists: false } });
  });
});

describe("isDuplicateKey", () => {
  it("recognises the duplicate-key error code only", () => {
    expect(isDuplicateKey({ code: 11000 })).toBe(true);
    expect(isDuplicateKey({ code: 11001 })).toBe(false);
    expect(isDuplicateKey(new Error("E11000"))).toBe(false);
  });
});

describe("actorOf", () => {
  it("takes the tenant, subject and request id of the call's identity, and passes an Actor through", () => {
    const ctx = {
      identity: { tenantId: "acme", subject: "user-1", roles: [], requestId: "r-1" },
      signal: new AbortController().signal,
      logger: createLogger("test", "silent"),
    } satisfies CallContext;
    expect(actorOf(ctx)).toEqual({ tenantId: "acme", actorId: "user-1", requestId: "r-1" });
    const actor = { tenantId: "globex", actorId: "u", requestId: "" };
    expect(actorOf(actor)).toBe(actor);
  });
});

describe("event envelope", () => {
  it("gives the meta, the outbox entry and the message one id, and names tenant and request in headers", () => {
    const at = new Date("2026-02-02T10:00:00Z");
    let meta: unknown;
    const event = buildEvent("things.thing.created", "t-1", { tenantId: "acme", actorId: "u-1", requestId: "r-1" }, at, (m) => {
      meta = m;
      return new Uint8Array([1]);
    });
    expect(meta).toEqual({ id: event.id, type: "things.thing.created", tenantId: "acme", entityId: "t-1", actorId: "u-1", requestId: "r-1", occurredAt: at.toISOString() });
    expect(event).toMatchObject({ subject: "things.thing.created", createdAt: at });
    expect(event.headers[EVENT_HEADERS.tenant]).toBe("acme");
    expect(event.headers[EVENT_HEADERS.requestId]).toBe("r-1");
    const anonymous = buildEvent("things.thing.created", "t-1", { tenantId: "acme", actorId: "u-1", requestId: "" }, at, () => new Uint8Array());
    expect(anonymous.headers).not.toHaveProperty(EVENT_HEADERS.requestId);
  });
});

describe("tenant id pattern", () => {
  it("accepts lower-case slugs and refuses anything else, in call metadata too", () => {
    for (const ok of ["acme", "a", "acme-2", "0x"]) expect(TENANT_ID_PATTERN.test(ok)).toBe(true);
    for (const bad of ["", "Acme", "-acme", "acme_corp", "a".repeat(64), "acme corp"]) expect(TENANT_ID_PATTERN.test(bad)).toBe(false);
    const md = new Metadata();
    md.set("relata-tenant", "acme_corp");
    md.set("relata-subject", "u");
    expect(() => identityFromMetadata(md)).toThrow(/tenant/);
  });
});

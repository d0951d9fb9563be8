import { randomUUID } from "node:crypto";
import mongoose, { type Connection, type Model } from "mongoose";
import { createLogger } from "../../src/logger";
import { connectMongo, ensureIndexes } from "../../src/mongo";
import { claimAll, claimModel, claimsOf, release, sweepAbandoned, type Claim, type ClaimResult } from "../../src/store/claims";

// Real FerretDB, started by `make test` (deploy/stack.sh).
const mongoBase = process.env.MONGO_BASE_URI ?? `mongodb://127.0.0.1:${process.env.FERRETDB_PORT ?? 27017}`;
const logger = createLogger("claims-test", "silent");
const run = randomUUID().slice(0, 8);
const uri = `${mongoBase}/relata_platform_claims_it_${run}`;

// Several connections, as several replicas would have: the kit keeps one per process on
// FerretDB, which serialises that process's writes, so one connection would prove nothing.
const CONNECTIONS = 5;
let main: Connection;
const others: Connection[] = [];
let models: Model<Claim>[];

beforeAll(async () => {
  main = await connectMongo(uri, logger);
  claimModel(main, "slot_claims");
  await ensureIndexes(main);
  for (let i = 1; i < CONNECTIONS; i++) others.push(await mongoose.createConnection(uri, { maxPoolSize: 1 }).asPromise());
  models = [main, ...others].map((c) => claimModel(c, "slot_claims"));
});

afterAll(async () => {
  await main.dropDatabase().catch(() => undefined);
  await Promise.all([main, ...others].map((c) => c.close()));
});

const model = () => models[0]!;
const keysHeld = async (tenantId: string) => (await model().find({ tenantId }).lean<Claim[]>()).map((c) => [c.key, c.holder] as const);

describe("claimAll", () => {
  it("gives each key of 20 concurrent overlapping claims to exactly one holder, and leaves no partial claim", async () => {
    const tenantId = `t-${randomUUID()}`;
    // Claimer i wants a key of its own (sorted first, so a loser has inserted it before it meets
    // a conflict) and 4 consecutive keys starting at i % 9: every claim overlaps several others.
    const wants = Array.from({ length: 20 }, (_, i) => [
      `own-${String(i).padStart(2, "0")}`,
      ...Array.from({ length: 4 }, (_, j) => `slot-${String((i % 9) + j).padStart(2, "0")}`),
    ]);
    const results: ClaimResult[] = await Promise.all(
      wants.map((keys, i) => claimAll(models[i % CONNECTIONS]!, { tenantId, keys, holder: `holder-${i}` })),
    );
    const held = await keysHeld(tenantId);
    const holderOf = new Map<string, string>();
    for (const [key, holder] of held) {
      expect(holderOf.has(key)).toBe(false);
      holderOf.set(key, holder);
    }
    const winners = results.flatMap((r, i) => (r.claimed ? [i] : []));
    expect(winners.length).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < wants.length; i++) {
      const mine = held.filter(([, holder]) => holder === `holder-${i}`).map(([key]) => key).sort();
      const result = results[i]!;
      if (result.claimed) {
        expect(mine).toEqual(wants[i]);
      } else {
        // All or nothing: a loser holds none of its keys, and names one it wanted.
        expect(mine).toEqual([]);
        expect(wants[i]).toContain(result.conflict.key);
        expect(result.conflict.holder).not.toBe(`holder-${i}`);
      }
    }
    // Winners never share a key, and every key held belongs to a winner.
    expect(held.length).toBe(winners.reduce((n, i) => n + wants[i]!.length, 0));
  });

  it("gives one set of keys wanted by 20 concurrent claims to exactly one of them", async () => {
    const tenantId = `t-${randomUUID()}`;
    const keys = ["r1:09:00", "r1:09:15", "r1:09:30", "r1:09:45"];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => claimAll(models[i % CONNECTIONS]!, { tenantId, keys, holder: `booking-${i}` })),
    );
    const winners = results.flatMap((r, i) => (r.claimed ? [`booking-${i}`] : []));
    expect(winners).toHaveLength(1);
    const held = await keysHeld(tenantId);
    expect(held.map(([k]) => k).sort()).toEqual(keys);
    expect(new Set(held.map(([, h]) => h))).toEqual(new Set(winners));
    for (const r of results) if (!r.claimed) expect(r.conflict).toEqual({ key: "r1:09:00", holder: winners[0] });
  });

  it("rolls back its own inserts when a later key is held, and names that key and its holder", async () => {
    const tenantId = `t-${randomUUID()}`;
    expect(await claimAll(model(), { tenantId, keys: ["k3"], holder: "a" })).toEqual({ claimed: true });
    const result = await claimAll(model(), { tenantId, keys: ["k4", "k1", "k3", "k2"], holder: "b" });
    expect(result).toEqual({ claimed: false, conflict: { key: "k3", holder: "a" } });
    expect(await keysHeld(tenantId)).toEqual([["k3", "a"]]);
  });

  it("counts keys the holder already has as claimed (a retry or a redelivery claims nothing twice)", async () => {
    const tenantId = `t-${randomUUID()}`;
    expect(await claimAll(model(), { tenantId, keys: ["u2"], holder: "case-1" })).toEqual({ claimed: true });
    expect(await claimAll(model(), { tenantId, keys: ["u1", "u2", "u3"], holder: "case-1" })).toEqual({ claimed: true });
    expect(await claimAll(model(), { tenantId, keys: ["u1", "u2", "u3"], holder: "case-1" })).toEqual({ claimed: true });
    expect((await claimsOf(model(), tenantId, "case-1")).map((c) => c.key)).toEqual(["u1", "u2", "u3"]);
  });

  it("keeps the keys of each tenant apart", async () => {
    const [t1, t2] = [`t-${randomUUID()}`, `t-${randomUUID()}`];
    expect(await claimAll(model(), { tenantId: t1, keys: ["same"], holder: "x" })).toEqual({ claimed: true });
    expect(await claimAll(model(), { tenantId: t2, keys: ["same"], holder: "y" })).toEqual({ claimed: true });
    expect(await release(model(), { tenantId: t2, holder: "x" })).toBe(0);
    expect(await keysHeld(t1)).toEqual([["same", "x"]]);
  });

  it("releases the claims of an abandoned holder in the way, and then claims", async () => {
    const tenantId = `t-${randomUUID()}`;
    await claimAll(model(), { tenantId, keys: ["s2", "s3", "s9"], holder: "crashed" });
    await claimAll(model(), { tenantId, keys: ["s5"], holder: "alive" });
    const abandoned = async (c: Claim) => c.holder === "crashed";
    expect(await claimAll(model(), { tenantId, keys: ["s1", "s2", "s3"], holder: "next", abandoned })).toEqual({ claimed: true });
    // All that the crashed attempt held went, also outside the keys wanted; the live holder stays.
    expect((await keysHeld(tenantId)).sort()).toEqual([
      ["s1", "next"],
      ["s2", "next"],
      ["s3", "next"],
      ["s5", "alive"],
    ]);
    expect(await claimAll(model(), { tenantId, keys: ["s5"], holder: "other", abandoned })).toEqual({
      claimed: false,
      conflict: { key: "s5", holder: "alive" },
    });
  });
});

describe("release", () => {
  it("releases the holder's keys only, never another holder's", async () => {
    const tenantId = `t-${randomUUID()}`;
    await claimAll(model(), { tenantId, keys: ["a1", "a2"], holder: "a" });
    await claimAll(model(), { tenantId, keys: ["b1"], holder: "b" });
    expect(await release(model(), { tenantId, keys: ["a1", "b1"], holder: "a" })).toBe(1);
    expect((await keysHeld(tenantId)).sort()).toEqual([
      ["a2", "a"],
      ["b1", "b"],
    ]);
    expect(await release(model(), { tenantId, holder: "a" })).toBe(1);
    // A released key is free again.
    expect(await claimAll(model(), { tenantId, keys: ["a1", "a2"], holder: "c" })).toEqual({ claimed: true });
  });
});

describe("sweepAbandoned", () => {
  it("releases old claims whose holder does not exist, and keeps young ones and live holders'", async () => {
    const tenantId = `t-${randomUUID()}`;
    const longAgo = () => new Date(Date.now() - 10 * 60_000);
    await claimAll(model(), { tenantId, keys: ["g1", "g2"], holder: "ghost", now: longAgo });
    await claimAll(model(), { tenantId, keys: ["l1"], holder: "live", now: longAgo });
    await claimAll(model(), { tenantId, keys: ["y1"], holder: "young" });
    const asked: string[][] = [];
    const released = await sweepAbandoned(model(), 60_000, async (t, holders) => {
      if (t === tenantId) asked.push([...holders].sort());
      return new Set(holders.filter((h) => h === "live"));
    });
    expect(released).toBeGreaterThanOrEqual(2);
    expect(asked).toEqual([["ghost", "live"]]);
    expect((await keysHeld(tenantId)).sort()).toEqual([
      ["l1", "live"],
      ["y1", "young"],
    ]);
  });
});

import { randomUUID } from "node:crypto";
import type { Connection } from "mongoose";
import { createLogger } from "../../src/logger";
import { connectMongo } from "../../src/mongo";
import { Sequence } from "../../src/store/claims";

// Real FerretDB, started by `make test` (deploy/stack.sh): the sequence's uniqueness rests on
// the database's duplicate-key check, which only the real one can show.
const mongoBase = process.env.MONGO_BASE_URI ?? `mongodb://127.0.0.1:${process.env.FERRETDB_PORT ?? 27017}`;
const logger = createLogger("sequence-test", "silent");
const run = randomUUID().slice(0, 8);

let db: Connection;
let sequence: Sequence;

beforeAll(async () => {
  db = await connectMongo(`${mongoBase}/relata_platform_sequence_it_${run}`, logger);
  sequence = new Sequence(db);
});

afterAll(async () => {
  await db.dropDatabase().catch(() => undefined);
  await db.close();
});

test("numbers a key from 1 upwards, each key on its own", async () => {
  expect(await sequence.next("acme:cases")).toBe(1);
  expect(await sequence.next("acme:cases")).toBe(2);
  expect(await sequence.next("globex:cases")).toBe(1);
  expect(await sequence.next("acme:cases")).toBe(3);
});

test("20 concurrent callers get 20 distinct numbers, with no gap", async () => {
  const numbers = await Promise.all(Array.from({ length: 20 }, () => sequence.next("acme:burst")));
  expect(new Set(numbers).size).toBe(20);
  expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
});

test("a hint that lags behind costs retries, never a number given twice", async () => {
  for (let i = 0; i < 5; i++) await sequence.next("acme:lagging");
  // As a lost hint update would leave it: the claims know 5, the hint says 2.
  await db.collection("sequence_hints").updateOne({ _id: "acme:lagging" as unknown as never }, { $set: { n: 2 } });
  expect(await sequence.next("acme:lagging")).toBe(6);
});

test("sequences on separate connections (two replicas) never hand out the same number", async () => {
  const other = await connectMongo(`${mongoBase}/relata_platform_sequence_it_${run}`, logger);
  try {
    const replica = new Sequence(other);
    const numbers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? sequence : replica).next("acme:replicas")));
    expect(new Set(numbers).size).toBe(20);
  } finally {
    await other.close();
  }
});

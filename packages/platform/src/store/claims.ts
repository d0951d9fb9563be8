import { randomUUID } from "node:crypto";
import { Schema, type Collection, type Connection, type Model } from "mongoose";
import { isDuplicateKey } from "./write";

/**
 * Claims made by inserting documents with unique `_id`s: on a database that applies no update
 * atomically under concurrency (FerretDB on either backend), an insert of a fixed `_id` is the
 * one step that is: of concurrent inserts of one `_id`, exactly one succeeds and the others get
 * a duplicate-key error. Whatever must stay unique across requests and replicas (numbers,
 * turns, units, slots) is claimed here.
 */

interface NumberClaim {
  _id: string;
  key: string;
  n: number;
  at: Date;
}

interface SequenceHint {
  _id: string;
  n: number;
}

/**
 * Increasing numbers per key (a tenant's case numbers, a queue's round-robin turns), unique
 * under concurrent callers and replicas: number n of key k is the document `k:n` in the claims
 * collection, and a caller that loses the insert moves on to n + 1. A hint per key remembers
 * the highest number claimed so a claim starts at the top rather than at 1; it is written
 * without a guard, so it may lag behind, which costs a retry, never a duplicate. Numbers a
 * caller claims and then does not use are gaps, not reused.
 */
export class Sequence {
  private readonly claims: Collection<NumberClaim>;
  private readonly hints: Collection<SequenceHint>;

  constructor(db: Connection, collection = "sequence") {
    this.claims = db.collection<NumberClaim>(`${collection}_claims`);
    this.hints = db.collection<SequenceHint>(`${collection}_hints`);
  }

  /** The next number of `key`, from 1; never the same number twice for one key. */
  async next(key: string): Promise<number> {
    const hint = await this.hints.findOne({ _id: key });
    for (let n = (hint?.n ?? 0) + 1; ; n++) {
      try {
        await this.claims.insertOne({ _id: `${key}:${n}`, key, n, at: new Date() });
      } catch (err) {
        if (isDuplicateKey(err)) continue;
        throw err;
      }
      await this.hints.updateOne({ _id: key }, { $max: { n } }, { upsert: true });
      return n;
    }
  }
}

/**
 * A claim: one unique key of a tenant (a slot of a calendar, a unit of an allowance) held by one
 * holder (the record that uses it). The insert of its unique `_id` is the one step FerretDB
 * applies atomically under concurrency, so whoever inserts it first holds it; the others get a
 * duplicate-key error.
 */
export interface Claim {
  /** `<tenantId>/<key>`: keys of one tenant never meet another tenant's. */
  _id: string;
  tenantId: string;
  key: string;
  holder: string;
  /** One claimAll call: its own inserts are what it rolls back. */
  attempt: string;
  claimedAt: Date;
}

export const claimSchema = new Schema<Claim>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    key: { type: String, required: true },
    holder: { type: String, required: true },
    attempt: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
// The sweep looks for old claims; releasing looks up a holder's claims; counts and ranges read keys by prefix.
claimSchema.index({ tenantId: 1, holder: 1 });
claimSchema.index({ claimedAt: 1 });
claimSchema.index({ tenantId: 1, key: 1 });

/** The model of a collection of claims (one collection per kind of key, e.g. "slot_claims"). */
export function claimModel(connection: Connection, collection: string): Model<Claim> {
  const name = `Claim:${collection}`;
  return (connection.models[name] as Model<Claim> | undefined) ?? connection.model<Claim>(name, claimSchema.clone(), collection);
}

type RawClaims = { insertMany(docs: Claim[], options: { ordered: boolean }): Promise<unknown> };

const claimId = (tenantId: string, key: string) => `${tenantId}/${key}`;

export interface ClaimSpec {
  tenantId: string;
  /** The keys to hold together: all of them or none. */
  keys: readonly string[];
  /** Who holds them (e.g. the id of the record they are for). A key it already holds counts as claimed. */
  holder: string;
  /**
   * Whether a claim found in the way was abandoned (its holder crashed before writing the record
   * the claim is for): its holder's claims among the keys are then released and the claim tried again.
   */
  abandoned?: (claim: Claim) => Promise<boolean>;
  now?: () => Date;
}

export type ClaimResult =
  | { claimed: true }
  /** The first key (in sorted order) another holder has; nothing of this call is left held. */
  | { claimed: false; conflict: { key: string; holder: string } };

/** How many times a claim in the way may vanish (released, abandoned) before the call gives up. */
const MAX_ROUNDS = 20;

/**
 * Claims every key for the holder, or none. Keys go in one ordered insert, in sorted order:
 * two calls wanting overlapping keys meet at the first key they share, so one of them gets all
 * of its keys (a call never fails for a key whose holder then gives up, except in a chain that
 * ends with a winner). On a key held by another holder the call deletes the claims it inserted
 * itself (by its attempt id, nothing else) and reports that key.
 */
export async function claimAll(model: Model<Claim>, spec: ClaimSpec): Promise<ClaimResult> {
  const keys = [...new Set(spec.keys)].sort();
  const attempt = randomUUID();
  const claimedAt = spec.now?.() ?? new Date();
  const doc = (key: string): Claim => ({ _id: claimId(spec.tenantId, key), tenantId: spec.tenantId, key, holder: spec.holder, attempt, claimedAt });
  let remaining = keys;
  try {
    for (let round = 1; remaining.length > 0; round++) {
      try {
        // The driver's own insert: mongoose's would validate and cast what is already exact.
        await (model.collection as unknown as RawClaims).insertMany(remaining.map(doc), { ordered: true });
        return { claimed: true };
      } catch (err) {
        if (!isDuplicateKey(err) && !hasDuplicateKeyWriteError(err)) throw err;
      }
      // Walk the keys in the order they went in: ours, then the one that stopped the insert.
      const found = await model.find({ _id: { $in: remaining.map((k) => claimId(spec.tenantId, k)) } }).lean<Claim[]>();
      const byKey = new Map(found.map((c) => [c.key, c]));
      const next = remaining.findIndex((key) => byKey.get(key)?.attempt !== attempt);
      if (next < 0) return { claimed: true };
      const blocker = byKey.get(remaining[next]!);
      if (blocker?.holder === spec.holder) {
        // Already ours (a retry of the same booking, a redelivered event): go on after it.
        remaining = remaining.slice(next + 1);
        continue;
      }
      const abandoned = blocker !== undefined && spec.abandoned !== undefined && (await spec.abandoned(blocker));
      if (round >= MAX_ROUNDS || (blocker && !abandoned)) {
        await rollback(model, spec.tenantId, attempt);
        // A blocker gone by now (released meanwhile, MAX_ROUNDS times) leaves its holder unknown.
        return { claimed: false, conflict: { key: remaining[next]!, holder: blocker?.holder ?? "" } };
      }
      // Its holder crashed before writing the record: everything that attempt held goes.
      if (blocker) await release(model, { tenantId: spec.tenantId, holder: blocker.holder, attempt: blocker.attempt });
      remaining = remaining.slice(next);
    }
    return { claimed: true };
  } catch (err) {
    await rollback(model, spec.tenantId, attempt);
    throw err;
  }
}

/** A bulk write's duplicate-key error may arrive as a write error of the batch rather than as its code. */
function hasDuplicateKeyWriteError(err: unknown): boolean {
  const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  return list.some((e) => (e as { code?: unknown }).code === 11000);
}

async function rollback(model: Model<Claim>, tenantId: string, attempt: string): Promise<void> {
  await model.deleteMany({ tenantId, attempt });
}

export interface ReleaseSpec {
  tenantId: string;
  /** The keys to release; without them, every key the holder has. */
  keys?: readonly string[];
  holder: string;
  /** Only the claims of this claimAll call (an abandoned claim, not a newer one of the same holder). */
  attempt?: string;
}

/** Releases the holder's claims (never another holder's); returns how many were released. */
export async function release(model: Model<Claim>, spec: ReleaseSpec): Promise<number> {
  const where: Record<string, unknown> = { tenantId: spec.tenantId, holder: spec.holder };
  if (spec.keys) where._id = { $in: spec.keys.map((k) => claimId(spec.tenantId, k)) };
  if (spec.attempt) where.attempt = spec.attempt;
  const result = await model.deleteMany(where);
  return result.deletedCount;
}

/** The holder's claims of a tenant (e.g. the units a record uses). */
export async function claimsOf(model: Model<Claim>, tenantId: string, holder: string): Promise<Claim[]> {
  return model.find({ tenantId, holder }).sort({ key: 1 }).lean<Claim[]>();
}

/**
 * Releases the claims older than the grace period whose holder `exists` says is gone (a
 * crash between a claim and the record it was for), across tenants; returns how many went.
 * `exists` gets the holders of one tenant and returns those that still exist.
 */
export async function sweepAbandoned(
  model: Model<Claim>,
  graceMs: number,
  exists: (tenantId: string, holders: string[]) => Promise<Set<string>>,
  now: Date = new Date(),
): Promise<number> {
  const old = await model
    .find({ claimedAt: { $lt: new Date(now.getTime() - graceMs) } })
    .limit(1_000)
    .lean<Claim[]>();
  const byTenant = new Map<string, Claim[]>();
  for (const c of old) byTenant.set(c.tenantId, [...(byTenant.get(c.tenantId) ?? []), c]);
  let released = 0;
  for (const [tenantId, claims] of byTenant) {
    const live = await exists(tenantId, [...new Set(claims.map((c) => c.holder))]);
    for (const c of claims) {
      if (live.has(c.holder)) continue;
      // Conditional on holder and attempt: a newer claim of the same key is never touched.
      const result = await model.deleteOne({ _id: c._id, holder: c.holder, attempt: c.attempt });
      released += result.deletedCount;
    }
  }
  return released;
}

import type { Collection, Connection } from "mongoose";
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

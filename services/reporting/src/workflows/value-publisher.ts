import { buildEvent, EVENT_HEADERS, isDuplicateKey, stableEventId, type EventBus, type Logger } from "@relata/platform";
import { CustomerValueChanged } from "@relata/proto/events/v1/reporting";
import type { Collection, Connection } from "mongoose";
import { computeCustomerValue, tenantsWithWonDeals } from "../domain/customer-value";
import { SUBJECTS } from "../events/stream";
import type { FactStore } from "../facts/store";

/** What was last published of an account (MongoDB, shared by the replicas; survives a rebuilt store). */
interface PublishedValue {
  _id: string;
  tenantId: string;
  accountId: string;
  valueClass: string;
  churnRisk: boolean;
  rfmClass: string;
  eventId: string;
  publishedAt: Date;
}

/** One document per computation bucket: the replica whose insert succeeds computes and publishes it. */
interface RunClaim {
  _id: string;
  at: Date;
}

export interface ValuePublisherOptions {
  store: FactStore;
  bus: EventBus;
  db: Connection;
  logger: Logger;
  /** How often every tenant's classes are computed (REPORTING_VALUE_PUBLISH_INTERVAL_MS). */
  intervalMs: number;
  now?: () => Date;
}

export interface PublishRun {
  tenants: number;
  published: number;
}

type ValueState = Pick<PublishedValue, "valueClass" | "churnRisk" | "rfmClass">;

const NO_VALUE: ValueState = { valueClass: "", churnRisk: false, rfmClass: "" };
const CLAIMS_KEPT_MS = 24 * 60 * 60 * 1000;

/**
 * Publishes `reporting.customer.value_changed` for every account whose value class, churn risk or
 * RFM class changed since what was last published (docs/reporting.md, "Publishing"): every
 * tenant with won deals, in its main currency, the whole tenant, recency in UTC. It runs once the
 * store has caught up with the streams and then every interval. Of the replicas, only the one that
 * claims the interval's bucket (a unique insert) runs it. An account that is no longer a customer
 * (its deals deleted) gets an event with empty classes.
 */
export class ValuePublisher {
  private readonly published: Collection<PublishedValue>;
  private readonly claims: Collection<RunClaim>;
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private indexed = false;
  private readonly now: () => Date;

  constructor(private readonly options: ValuePublisherOptions) {
    this.published = options.db.collection<PublishedValue>("customer_value_published");
    this.claims = options.db.collection<RunClaim>("customer_value_runs");
    this.now = options.now ?? (() => new Date());
  }

  /** Runs once the store has caught up, then every interval. */
  start(): void {
    void this.options.store.caughtUp().then(() => {
      if (this.stopped) return;
      this.tick();
      this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    // Never two runs at once in a replica: a slow run makes the next tick wait for it.
    this.running = this.running
      .then(() => (this.stopped ? undefined : this.runOnce()))
      .catch((err: unknown) => this.options.logger.error({ err: String(err) }, "customer value publishing failed; retried at the next interval"));
  }

  /** Computes and publishes the changes of the current bucket, unless another run (or replica) has claimed it. */
  async runOnce(): Promise<PublishRun | null> {
    const computedAt = this.now();
    const bucket = Math.floor(computedAt.getTime() / this.options.intervalMs);
    if (!(await this.claim(bucket, computedAt))) return null;
    if (!this.indexed) {
      await this.published.createIndex({ tenantId: 1 });
      this.indexed = true;
    }
    const tenants = new Set<string>(await tenantsToCompute(this.options.store, this.published));
    let published = 0;
    for (const tenantId of [...tenants].sort()) published += await this.publishTenant(tenantId, computedAt, bucket);
    if (published) this.options.logger.info({ tenants: tenants.size, published }, "customer value changes published");
    return { tenants: tenants.size, published };
  }

  private async claim(bucket: number, at: Date): Promise<boolean> {
    try {
      await this.claims.insertOne({ _id: `${this.options.intervalMs}:${bucket}`, at });
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
    await this.claims.deleteMany({ at: { $lt: new Date(at.getTime() - CLAIMS_KEPT_MS) } });
    return true;
  }

  private async publishTenant(tenantId: string, computedAt: Date, bucket: number): Promise<number> {
    const { customers, scores } = await computeCustomerValue(this.options.store, { tenantId, currency: "", territory: "", ownerId: "", timeZone: "UTC" }, computedAt);
    const last = new Map((await this.published.find({ tenantId }).toArray()).map((d) => [d.accountId, d]));
    const wanted = new Map<string, ValueState>();
    for (const c of customers) {
      const s = scores.get(c.accountId)!;
      wanted.set(c.accountId, { valueClass: s.valueClass, churnRisk: s.churnRisk, rfmClass: s.rfmClass });
    }
    for (const accountId of last.keys()) if (!wanted.has(accountId)) wanted.set(accountId, NO_VALUE);
    let count = 0;
    for (const [accountId, state] of [...wanted].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (sameState(last.get(accountId) ?? NO_VALUE, state)) continue;
      await this.publish(tenantId, accountId, state, computedAt, bucket);
      count++;
    }
    return count;
  }

  /** Publishes, then records: a crash in between republishes the same state later (the latest wins at the consumer). */
  private async publish(tenantId: string, accountId: string, state: ValueState, computedAt: Date, bucket: number): Promise<void> {
    const id = stableEventId("reporting.customer.value_changed", tenantId, accountId, state.valueClass, String(state.churnRisk), state.rfmClass, String(bucket));
    const actor = { tenantId, actorId: "reporting", requestId: "" };
    const event = buildEvent(SUBJECTS.customerValueChanged, accountId, actor, computedAt, (meta) => CustomerValueChanged.encode({ meta, accountId, ...state }).finish(), id);
    await this.options.bus.publish(event.subject, event.data, { msgId: event.id, headers: { ...event.headers, [EVENT_HEADERS.eventId]: event.id } });
    await this.published.updateOne(
      { _id: `${tenantId}/${accountId}` },
      { $set: { tenantId, accountId, ...state, eventId: id, publishedAt: computedAt } },
      { upsert: true },
    );
  }
}

const sameState = (a: ValueState, b: ValueState) => a.valueClass === b.valueClass && a.churnRisk === b.churnRisk && a.rfmClass === b.rfmClass;

/** Tenants with won deals, and those with anything published (whose customers may all be gone). */
async function tenantsToCompute(store: FactStore, published: Collection<PublishedValue>): Promise<string[]> {
  const fromStore = await tenantsWithWonDeals(store);
  const fromPublished = (await published.distinct("tenantId")) as string[];
  return [...new Set([...fromStore, ...fromPublished])];
}

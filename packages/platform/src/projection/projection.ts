import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import { DeliverPolicy, type ConsumerMessages, type JsMsg } from "@nats-io/jetstream";
import { Counter, Gauge } from "prom-client";
import type { EventBus } from "../events/bus";
import { headersToRecord } from "../events/bus";
import type { Logger } from "../logger";
import { registry } from "../telemetry/metrics";

/** A value bound to a `?` of a query (strings, numbers, booleans, null, lists...). */
export type SqlValue = DuckDBValue;
/** A row of a query, column name → JavaScript value (BIGINT as bigint, TIMESTAMPTZ as Date). */
export type SqlRow = Record<string, unknown>;

/** One stream a projection reads, with the subjects it keeps and how it decodes them. */
export interface ProjectionSource<E> {
  stream: string;
  filterSubjects: string[];
  /** Throwing marks the event undecodable: it is skipped (logged, counted), never retried. */
  decode: (data: Uint8Array, subject: string) => E;
}

/** An event handed to `apply`, in stream order. */
export interface ProjectedEvent<E> {
  stream: string;
  subject: string;
  streamSequence: number;
  event: E;
  headers: Record<string, string>;
}

/** Statements inside the transaction that applies a batch. */
export interface ProjectionWriter {
  run(sql: string, params?: readonly SqlValue[]): Promise<void>;
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
}

export interface ProjectionSpec<E> {
  /** Names it in logs and metrics ("marketing-audience"). */
  name: string;
  /** The DuckDB file (its folder is made), or ":memory:". Each replica has its own. */
  path: string;
  /**
   * The shape of what it keeps. A file written with another version is discarded and rebuilt
   * from the streams: raise it when the DDL, the sources' subjects or what `apply` writes change.
   */
  version: number;
  /** Idempotent DDL (`CREATE TABLE IF NOT EXISTS`, `CREATE OR REPLACE VIEW`), run at each open. */
  schema: string[];
  sources: ProjectionSource<E>[];
  /**
   * Applies a batch of events of one stream, in order, inside the transaction that records
   * their position: it commits with them or not at all. It must not depend on seeing an event
   * twice (it never does) but may see them in any batch size.
   */
  apply: (writer: ProjectionWriter, events: ProjectedEvent<E>[]) => Promise<void>;
  /** The most events applied in one transaction (default 1,000). */
  batchSize?: number;
  /** DuckDB settings (`{ threads: "2", memory_limit: "512MB" }`); DuckDB's defaults take every core and most of the memory. */
  settings?: Record<string, string>;
}

const POSITIONS_TABLE = "_projection_positions";
const META_TABLE = "_projection_meta";

const applied = new Counter({
  name: "relata_projection_events_applied_total",
  help: "Events a local read model (projection) has applied, by projection and stream",
  labelNames: ["projection", "stream"] as const,
  registers: [registry],
});
const skipped = new Counter({
  name: "relata_projection_events_skipped_total",
  help: "Events a projection skipped because they could not be decoded or applied, by projection and stream",
  labelNames: ["projection", "stream"] as const,
  registers: [registry],
});
const behind = new Gauge({
  name: "relata_projection_pending_messages",
  help: "Messages of a stream a projection has not applied yet (its lag), by projection and stream",
  labelNames: ["projection", "stream"] as const,
  registers: [registry],
});

/**
 * A local analytical read model: a DuckDB database fed from JetStream streams by ordered
 * consumers that start after the position recorded in the database itself. A batch of events
 * and its position are written in one transaction, so a redelivery or a restart never applies
 * an event twice and a crash loses nothing; a fresh file replays each stream from its start.
 * Nothing is kept on the server per replica: each replica reads on its own.
 */
export class Projection<E> {
  private connection?: DuckDBConnection;
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  private readonly current = new Map<string, ConsumerMessages>();
  /** Serialises the transactions of the sources (one connection writes). */
  private writing: Promise<void> = Promise.resolve();
  private readonly caughtUpSources = new Set<string>();
  private caughtUpResolve!: () => void;
  private readonly caughtUpPromise = new Promise<void>((resolve) => (this.caughtUpResolve = resolve));

  private constructor(
    private readonly spec: ProjectionSpec<E>,
    private readonly instance: DuckDBInstance,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  /** Opens (or creates) the database, then starts reading every source after its recorded position. */
  static async open<E>(spec: ProjectionSpec<E>, bus: EventBus, logger: Logger): Promise<Projection<E>> {
    const log = logger.child({ projection: spec.name });
    let instance = await openDatabase(spec.path, spec.settings);
    let stored = await storedVersion(instance);
    if (stored !== null && stored !== spec.version && spec.path !== ":memory:") {
      log.warn({ stored, version: spec.version }, "projection file of another version: rebuilding it from the streams");
      instance.closeSync();
      removeDatabase(spec.path);
      instance = await openDatabase(spec.path, spec.settings);
      stored = null;
    }
    const projection = new Projection(spec, instance, bus, log);
    await projection.prepare(stored === null);
    projection.start();
    return projection;
  }

  /** Resolves once every source has applied what its stream held when the projection started. */
  caughtUp(): Promise<void> {
    return this.caughtUpPromise;
  }

  /** The last applied stream sequence of each stream (0: none yet). */
  async positions(): Promise<Record<string, number>> {
    const rows = await this.query(`SELECT stream, seq FROM ${POSITIONS_TABLE}`);
    return Object.fromEntries(rows.map((r) => [String(r.stream), Number(r.seq)]));
  }

  /**
   * A read query with bound parameters (`?`), on a connection of its own: it sees every
   * committed batch and never waits for the one being applied.
   */
  async query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    const connection = await this.instance.connect();
    try {
      const reader = await connection.runAndReadAll(sql, params as SqlValue[]);
      return reader.getRowObjectsJS() as SqlRow[];
    } finally {
      connection.closeSync();
    }
  }

  /**
   * A read query whose rows are handed over in chunks (about 2,000 rows each, DuckDB's vector
   * size), so that a large result is never held whole.
   */
  async *queryChunks(sql: string, params: readonly SqlValue[] = []): AsyncGenerator<SqlRow[]> {
    const connection = await this.instance.connect();
    try {
      const result = await connection.stream(sql, params as SqlValue[]);
      for await (const rows of result.yieldRowObjectJs()) if (rows.length) yield rows as SqlRow[];
    } finally {
      connection.closeSync();
    }
  }

  /** Stops reading, waits for the batch being applied, and closes the database. */
  async close(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.current.values()].map((m) => m.close()));
    await Promise.all(this.loops);
    await this.writing;
    this.connection?.closeSync();
    this.instance.closeSync();
  }

  private async prepare(fresh: boolean): Promise<void> {
    this.connection = await this.instance.connect();
    await this.connection.run(`CREATE TABLE IF NOT EXISTS ${POSITIONS_TABLE} (stream VARCHAR PRIMARY KEY, seq BIGINT NOT NULL)`);
    await this.connection.run(`CREATE TABLE IF NOT EXISTS ${META_TABLE} (version INTEGER NOT NULL)`);
    if (fresh) await this.connection.run(`INSERT INTO ${META_TABLE} VALUES (?)`, [this.spec.version]);
    for (const statement of this.spec.schema) await this.connection.run(statement);
  }

  private start(): void {
    if (this.spec.sources.length === 0) this.caughtUpResolve();
    for (const source of this.spec.sources) this.loops.push(this.follow(source));
  }

  private markCaughtUp(stream: string): void {
    if (this.caughtUpSources.has(stream)) return;
    this.caughtUpSources.add(stream);
    if (this.caughtUpSources.size === this.spec.sources.length) {
      this.logger.info("projection caught up with its streams");
      this.caughtUpResolve();
    }
  }

  /** Reads one stream for as long as the projection is open, resuming after the recorded position after any interruption. */
  private async follow(source: ProjectionSource<E>): Promise<void> {
    let waitingLogged = false;
    while (!this.stopped) {
      try {
        if (!(await this.streamExists(source.stream))) {
          // Another service's stream not created yet: nothing was in it when we started.
          if (!waitingLogged) this.logger.info({ stream: source.stream }, "stream not there yet; the projection reads it once it is");
          waitingLogged = true;
          this.markCaughtUp(source.stream);
          await sleep(2_000);
          continue;
        }
        await this.consume(source);
      } catch (err) {
        if (this.stopped) break;
        this.logger.warn({ err: String(err), stream: source.stream }, "projection reading interrupted; resuming from the recorded position");
        await sleep(1_000);
      }
    }
  }

  private async consume(source: ProjectionSource<E>): Promise<void> {
    const position = (await this.positions())[source.stream] ?? 0;
    const consumer = await this.bus.js.consumers.get(source.stream, {
      filter_subjects: source.filterSubjects,
      ...(position > 0 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: position + 1 } : { deliver_policy: DeliverPolicy.All }),
    });
    const info = await consumer.info(true);
    behind.set({ projection: this.spec.name, stream: source.stream }, info.num_pending);
    if (info.num_pending === 0) this.markCaughtUp(source.stream);
    const messages = await consumer.consume({ max_messages: Math.min(this.spec.batchSize ?? 1_000, 1_000) });
    this.current.set(source.stream, messages);
    const batchSize = this.spec.batchSize ?? 1_000;
    let batch: JsMsg[] = [];
    let idle: NodeJS.Timeout | undefined;
    // After a failed batch nothing later may be applied (its position would pass the failed events).
    let failed = false;
    const flush = async () => {
      clearTimeout(idle);
      if (!batch.length) return;
      if (failed) throw new Error("an earlier batch failed");
      const taken = batch;
      batch = [];
      const last = taken[taken.length - 1]!;
      try {
        await this.applyBatch(source, taken);
      } catch (err) {
        failed = true;
        throw err;
      }
      behind.set({ projection: this.spec.name, stream: source.stream }, last.info.pending);
      if (last.info.pending === 0) this.markCaughtUp(source.stream);
    };
    try {
      for await (const msg of messages) {
        batch.push(msg);
        // Apply when the batch is full or nothing more is waiting in the stream; otherwise soon
        // anyway, should the next message not come (one removed from the stream meanwhile).
        if (batch.length >= batchSize || msg.info.pending === 0) await flush();
        else {
          clearTimeout(idle);
          idle = setTimeout(() => {
            flush().catch((err: unknown) => {
              this.logger.warn({ err: String(err), stream: source.stream }, "projection batch failed; resuming from the recorded position");
              void messages.close();
            });
          }, 500);
        }
        if (this.stopped) break;
      }
    } finally {
      clearTimeout(idle);
      this.current.delete(source.stream);
      await messages.close().catch(() => undefined);
    }
    // Messages read but not yet applied are read again from the recorded position.
  }

  /** Decodes the batch, applies it and records its position in one transaction. */
  private applyBatch(source: ProjectionSource<E>, batch: JsMsg[]): Promise<void> {
    const run = this.writing.then(async () => {
      const events: ProjectedEvent<E>[] = [];
      for (const msg of batch) {
        try {
          events.push({ stream: source.stream, subject: msg.subject, streamSequence: msg.seq, event: source.decode(msg.data, msg.subject), headers: headersToRecord(msg.headers) });
        } catch (err) {
          skipped.inc({ projection: this.spec.name, stream: source.stream });
          this.logger.error({ err: String(err), subject: msg.subject, seq: msg.seq }, "undecodable event skipped");
        }
      }
      const lastSeq = batch[batch.length - 1]!.seq;
      try {
        await this.transaction(source.stream, lastSeq, events);
      } catch (err) {
        // One bad event must not hold the projection back: apply them one by one, skipping what fails.
        this.logger.warn({ err: String(err), stream: source.stream, events: events.length }, "batch failed; applying its events one by one");
        for (const [i, event] of events.entries()) {
          const position = i === events.length - 1 ? lastSeq : event.streamSequence;
          try {
            await this.transaction(source.stream, position, [event]);
          } catch (single) {
            skipped.inc({ projection: this.spec.name, stream: source.stream });
            this.logger.error({ err: String(single), subject: event.subject, seq: event.streamSequence }, "event could not be applied; skipped");
            await this.transaction(source.stream, position, []);
          }
        }
      }
      applied.inc({ projection: this.spec.name, stream: source.stream }, events.length);
    });
    this.writing = run.catch(() => undefined);
    return run;
  }

  private async transaction(stream: string, seq: number, events: ProjectedEvent<E>[]): Promise<void> {
    const connection = this.connection!;
    const writer: ProjectionWriter = {
      run: async (sql, params = []) => {
        await connection.run(sql, params as SqlValue[]);
      },
      all: async (sql, params = []) => (await connection.runAndReadAll(sql, params as SqlValue[])).getRowObjectsJS() as SqlRow[],
    };
    await connection.run("BEGIN TRANSACTION");
    try {
      if (events.length) await this.spec.apply(writer, events);
      await connection.run(`INSERT OR REPLACE INTO ${POSITIONS_TABLE} VALUES (?, ?)`, [stream, seq]);
      await connection.run("COMMIT");
    } catch (err) {
      await connection.run("ROLLBACK").catch(() => undefined);
      throw err;
    }
  }

  private async streamExists(stream: string): Promise<boolean> {
    try {
      await this.bus.jsm.streams.info(stream);
      return true;
    } catch (err) {
      if (String(err).includes("not found")) return false;
      throw err;
    }
  }
}

async function openDatabase(path: string, settings: Record<string, string> = {}): Promise<DuckDBInstance> {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  // Never fetch an extension from the network at run time (a container may have no way out).
  return DuckDBInstance.create(path, { autoinstall_known_extensions: "false", ...settings });
}

function removeDatabase(path: string): void {
  for (const file of [path, `${path}.wal`]) if (existsSync(file)) rmSync(file);
}

async function storedVersion(instance: DuckDBInstance): Promise<number | null> {
  const connection = await instance.connect();
  try {
    const tables = await connection.runAndReadAll("SELECT 1 FROM information_schema.tables WHERE table_name = ?", [META_TABLE]);
    if (tables.currentRowCount === 0) return null;
    const rows = (await connection.runAndReadAll(`SELECT version FROM ${META_TABLE} LIMIT 1`)).getRowObjectsJS();
    return rows.length ? Number(rows[0]!.version) : null;
  } finally {
    connection.closeSync();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
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

const rebuilds = new Counter({
  name: "relata_projection_rebuilds_total",
  help: "Rebuilds by replay of a projection, by projection and outcome (switched, failed)",
  labelNames: ["projection", "outcome"] as const,
  registers: [registry],
});
const rebuilding = new Gauge({
  name: "relata_projection_rebuilding",
  help: "1 while a projection is being rebuilt by replay beside the active one, by projection",
  labelNames: ["projection"] as const,
  registers: [registry],
});

/** What a rebuild by replay did. */
export interface RebuildReport {
  startedAt: Date;
  finishedAt: Date;
  /** Events applied into the new database before it took over. */
  events: number;
  /** The last applied stream sequence of each stream when the new database took over. */
  positions: Record<string, number>;
  /** The snapshot it started from, if any (it replayed what came after the snapshot's positions). */
  from?: string;
}

export interface RebuildOptions {
  /**
   * A snapshot to start from instead of each stream's first event: a copy of a projection's
   * DuckDB file of the same `version` (not a file a projection has open), with its recorded positions.
   */
  from?: string;
}

export interface ProjectionStatus {
  rebuilding: boolean;
  /** When the running rebuild started. */
  startedAt?: Date;
  lastRebuild?: RebuildReport;
  /** The active database's positions. */
  positions: Record<string, number>;
  /** Whether the active database has applied what the streams held when it started. */
  caughtUp: boolean;
}

/**
 * A local analytical read model: a DuckDB database fed from JetStream streams by ordered
 * consumers that start after the position recorded in the database itself. A batch of events
 * and its position are written in one transaction, so a redelivery or a restart never applies
 * an event twice and a crash loses nothing; a fresh file replays each stream from its start.
 * Nothing is kept on the server per replica: each replica reads on its own.
 *
 * `rebuild()` replays every stream into a fresh database beside the active one and switches
 * to it once it has caught up; reads keep going to the active one meanwhile.
 */
export class Projection<E> {
  private closed = false;
  private closing?: Promise<void>;
  /** Set while the active store is being swapped: reads wait for it. */
  private switching?: Promise<void>;
  private running?: { startedAt: Date; promise: Promise<RebuildReport> };
  private lastRebuild?: RebuildReport;
  private caughtUpResolve!: () => void;
  private readonly caughtUpPromise = new Promise<void>((resolve) => (this.caughtUpResolve = resolve));
  private isCaughtUp = false;

  private constructor(
    private readonly spec: ProjectionSpec<E>,
    private active: Store<E>,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {
    void this.follow(active);
  }

  /** Opens (or creates) the database, then starts reading every source after its recorded position. */
  static async open<E>(spec: ProjectionSpec<E>, bus: EventBus, logger: Logger): Promise<Projection<E>> {
    const log = logger.child({ projection: spec.name });
    if (spec.path !== ":memory:") recoverFromInterruptedSwitch(spec.path, log);
    const store = await Store.open(spec, spec.path, bus, log, { resetOtherVersion: true });
    store.start();
    return new Projection(spec, store, bus, log);
  }

  /** Resolves once every source has applied what its stream held when the projection started. */
  caughtUp(): Promise<void> {
    return this.caughtUpPromise;
  }

  /** The last applied stream sequence of each stream (0: none yet). */
  async positions(): Promise<Record<string, number>> {
    return this.read((store) => store.positions());
  }

  /**
   * A read query with bound parameters (`?`), on a connection of its own: it sees every
   * committed batch and never waits for the one being applied.
   */
  async query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    return this.read((store) => store.query(sql, params));
  }

  /**
   * A read query whose rows are handed over in chunks (about 2,000 rows each, DuckDB's vector
   * size), so that a large result is never held whole.
   */
  async *queryChunks(sql: string, params: readonly SqlValue[] = []): AsyncGenerator<SqlRow[]> {
    const store = await this.acquire();
    try {
      yield* store.queryChunks(sql, params);
    } finally {
      store.release();
    }
  }

  /**
   * Replays every source from the start of its stream into a fresh database beside the active
   * one (`<path>.rebuild`, or a new in-memory one), waits until it holds what the streams held
   * when the rebuild started, then makes it the active one (the old one is closed and its files
   * removed). Reads keep answering from the old one meanwhile and wait out the short switch (a
   * file's switch first lets reads already running on the old one, an export say, finish).
   * A call while a rebuild runs returns that rebuild's promise. With `from`, the new database
   * starts as a copy of that snapshot and replays only what came after its positions.
   */
  rebuild(options: RebuildOptions = {}): Promise<RebuildReport> {
    if (this.closed) return Promise.reject(new Error(`projection ${this.spec.name} is closed`));
    if (this.running) return this.running.promise;
    const startedAt = new Date();
    const promise = this.runRebuild(startedAt, options.from).finally(() => {
      this.running = undefined;
      rebuilding.set({ projection: this.spec.name }, 0);
    });
    this.running = { startedAt, promise };
    rebuilding.set({ projection: this.spec.name }, 1);
    return promise;
  }

  async status(): Promise<ProjectionStatus> {
    return {
      rebuilding: this.running !== undefined,
      ...(this.running ? { startedAt: this.running.startedAt } : {}),
      ...(this.lastRebuild ? { lastRebuild: this.lastRebuild } : {}),
      positions: await this.positions(),
      caughtUp: this.isCaughtUp,
    };
  }

  /** Stops reading (and any rebuild), waits for the batch being applied, and closes the database. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      // A rebuild stops on its own once closed is seen; let it clean up its files first.
      await this.running?.promise.catch(() => undefined);
      await this.switching;
      await this.active.close();
    })();
    return this.closing;
  }

  private async follow(store: Store<E>): Promise<void> {
    await store.caughtUp();
    if (store !== this.active || this.isCaughtUp) return;
    this.isCaughtUp = true;
    this.caughtUpResolve();
  }

  private async acquire(): Promise<Store<E>> {
    while (this.switching) await this.switching;
    if (this.closed && this.active.isClosed) throw new Error(`projection ${this.spec.name} is closed`);
    // Counted synchronously after the wait, so a switch starting now waits for this read.
    this.active.acquire();
    return this.active;
  }

  private async read<T>(work: (store: Store<E>) => Promise<T>): Promise<T> {
    const store = await this.acquire();
    try {
      return await work(store);
    } finally {
      store.release();
    }
  }

  private async runRebuild(startedAt: Date, snapshot: string | undefined): Promise<RebuildReport> {
    const file = this.spec.path !== ":memory:";
    const rebuildPath = file ? `${this.spec.path}.rebuild` : ":memory:";
    this.logger.info({ snapshot }, "projection rebuild by replay started");
    if (file) removeDatabase(rebuildPath);
    let fresh: Store<E> | undefined;
    try {
      fresh = await Store.open(this.spec, rebuildPath, this.bus, this.logger.child({ rebuild: true }), { reportLag: false, snapshot });
      fresh.start();
      // Poll for close so that closing the projection never waits for a long replay.
      while (!(await Promise.race([fresh.caughtUp().then(() => true), sleep(500).then(() => false)]))) {
        if (this.closed) throw new Error(`projection ${this.spec.name} closed during its rebuild`);
      }
      if (this.closed) throw new Error(`projection ${this.spec.name} closed during its rebuild`);
    } catch (err) {
      await fresh?.close().catch(() => undefined);
      if (file) removeDatabase(rebuildPath);
      rebuilds.inc({ projection: this.spec.name, outcome: "failed" });
      this.logger.error({ err: String(err) }, "projection rebuild failed; the active database stays");
      throw err;
    }

    let release!: () => void;
    this.switching = new Promise<void>((resolve) => (release = resolve));
    try {
      const old = this.active;
      let events: number;
      if (!file) {
        // Nothing to move: reads go to the new one at once; the old one closes once its reads are done.
        this.active = fresh;
        this.switching = undefined;
        release();
        await old.close();
        events = fresh.appliedEvents;
      } else {
        // Stop both before touching files; what is published meanwhile is read after the reopen.
        await fresh.close();
        events = fresh.appliedEvents;
        await old.close();
        try {
          removeDatabase(this.spec.path);
          moveDatabase(rebuildPath, this.spec.path);
        } finally {
          // Should the move have failed, serve whichever complete file there is (the new one, else the old one).
          recoverFromInterruptedSwitch(this.spec.path, this.logger);
          this.active = await Store.open(this.spec, this.spec.path, this.bus, this.logger, { caughtUp: true });
          this.active.start();
        }
      }
      const report: RebuildReport = { startedAt, finishedAt: new Date(), events, positions: await this.active.positions(), ...(snapshot ? { from: snapshot } : {}) };
      this.lastRebuild = report;
      if (!this.isCaughtUp) {
        this.isCaughtUp = true;
        this.caughtUpResolve();
      }
      rebuilds.inc({ projection: this.spec.name, outcome: "switched" });
      this.logger.info({ events, positions: report.positions }, "projection rebuilt by replay and switched");
      return report;
    } catch (err) {
      rebuilds.inc({ projection: this.spec.name, outcome: "failed" });
      this.logger.error({ err: String(err) }, "projection rebuild failed while switching");
      throw err;
    } finally {
      this.switching = undefined;
      release();
    }
  }
}

interface StoreOptions {
  /** Discard a file written with another version (the open of the configured path). */
  resetOtherVersion?: boolean;
  /** Report the lag on the pending-messages gauge (not for a rebuild beside the active one). */
  reportLag?: boolean;
  /** Already caught up (the rebuilt file reopened at its path). */
  caughtUp?: boolean;
  /** A snapshot file whose tables (and positions) a fresh database starts with. */
  snapshot?: string;
}

/** One DuckDB database and the consumers that feed it. */
class Store<E> {
  private connection?: DuckDBConnection;
  private stopped = false;
  private closedFlag = false;
  private closing?: Promise<void>;
  private readonly loops: Promise<void>[] = [];
  private readonly current = new Map<string, ConsumerMessages>();
  /** Serialises the transactions of the sources (one connection writes). */
  private writing: Promise<void> = Promise.resolve();
  private readonly caughtUpSources = new Set<string>();
  /** Each stream's last sequence when this store started reading it: reaching it is caught up. */
  private readonly targets = new Map<string, number>();
  private caughtUpResolve!: () => void;
  private readonly caughtUpPromise = new Promise<void>((resolve) => (this.caughtUpResolve = resolve));
  private reads = 0;
  private drained?: () => void;
  /** Events applied (decoded and written) by this store. */
  appliedEvents = 0;

  private constructor(
    private readonly spec: ProjectionSpec<E>,
    private readonly instance: DuckDBInstance,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    private readonly options: StoreOptions,
  ) {
    if (options.caughtUp) this.caughtUpResolve();
  }

  static async open<E>(spec: ProjectionSpec<E>, path: string, bus: EventBus, logger: Logger, options: StoreOptions = {}): Promise<Store<E>> {
    let instance = await openDatabase(path, spec.settings);
    let stored = await storedVersion(instance);
    if (options.resetOtherVersion && stored !== null && stored !== spec.version && path !== ":memory:") {
      logger.warn({ stored, version: spec.version }, "projection file of another version: rebuilding it from the streams");
      instance.closeSync();
      removeDatabase(path);
      instance = await openDatabase(path, spec.settings);
      stored = null;
    }
    if (options.snapshot) {
      try {
        await copySnapshot(instance, options.snapshot, spec.version);
      } catch (err) {
        instance.closeSync();
        throw err;
      }
      stored = spec.version;
    }
    const store = new Store(spec, instance, bus, logger, options);
    await store.prepare(stored === null);
    return store;
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  caughtUp(): Promise<void> {
    return this.caughtUpPromise;
  }

  acquire(): void {
    this.reads++;
  }

  release(): void {
    this.reads--;
    if (this.reads === 0) this.drained?.();
  }

  async positions(): Promise<Record<string, number>> {
    const rows = await this.query(`SELECT stream, seq FROM ${POSITIONS_TABLE}`);
    return Object.fromEntries(rows.map((r) => [String(r.stream), Number(r.seq)]));
  }

  async query(sql: string, params: readonly SqlValue[] = []): Promise<SqlRow[]> {
    const connection = await this.instance.connect();
    try {
      const reader = await connection.runAndReadAll(sql, params as SqlValue[]);
      return reader.getRowObjectsJS() as SqlRow[];
    } finally {
      connection.closeSync();
    }
  }

  async *queryChunks(sql: string, params: readonly SqlValue[] = []): AsyncGenerator<SqlRow[]> {
    const connection = await this.instance.connect();
    try {
      const result = await connection.stream(sql, params as SqlValue[]);
      for await (const rows of result.yieldRowObjectJs()) if (rows.length) yield rows as SqlRow[];
    } finally {
      connection.closeSync();
    }
  }

  /** Stops reading, waits for the batch being applied and the reads in progress, and closes the database. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopped = true;
      await Promise.all([...this.current.values()].map((m) => m.close()));
      await Promise.all(this.loops);
      await this.writing;
      if (this.reads > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      this.closedFlag = true;
      this.connection?.closeSync();
      this.instance.closeSync();
    })();
    return this.closing;
  }

  private async prepare(fresh: boolean): Promise<void> {
    this.connection = await this.instance.connect();
    await this.connection.run(`CREATE TABLE IF NOT EXISTS ${POSITIONS_TABLE} (stream VARCHAR PRIMARY KEY, seq BIGINT NOT NULL)`);
    await this.connection.run(`CREATE TABLE IF NOT EXISTS ${META_TABLE} (version INTEGER NOT NULL)`);
    if (fresh) await this.connection.run(`INSERT INTO ${META_TABLE} VALUES (?)`, [this.spec.version]);
    for (const statement of this.spec.schema) await this.connection.run(statement);
  }

  start(): void {
    if (this.spec.sources.length === 0) this.caughtUpResolve();
    for (const source of this.spec.sources) this.loops.push(this.follow(source));
  }

  private setLag(stream: string, pending: number): void {
    if (this.options.reportLag !== false) behind.set({ projection: this.spec.name, stream }, pending);
  }

  private markCaughtUp(stream: string): void {
    if (this.caughtUpSources.has(stream)) return;
    this.caughtUpSources.add(stream);
    if (this.caughtUpSources.size === this.spec.sources.length) {
      this.logger.info("projection caught up with its streams");
      this.caughtUpResolve();
    }
  }

  /** Caught up with a stream: nothing of it pending, or at (or past) its last sequence when this store started. */
  private checkCaughtUp(stream: string, pending: number, seq: number): void {
    const target = this.targets.get(stream);
    if (pending === 0 || (target !== undefined && seq >= target)) this.markCaughtUp(stream);
  }

  /** Reads one stream for as long as the store is open, resuming after the recorded position after any interruption. */
  private async follow(source: ProjectionSource<E>): Promise<void> {
    let waitingLogged = false;
    while (!this.stopped) {
      try {
        const lastSeq = await this.streamLastSeq(source.stream);
        if (lastSeq === null) {
          // Another service's stream not created yet: nothing was in it when we started.
          if (!waitingLogged) this.logger.info({ stream: source.stream }, "stream not there yet; the projection reads it once it is");
          waitingLogged = true;
          this.markCaughtUp(source.stream);
          await sleep(2_000);
          continue;
        }
        if (!this.targets.has(source.stream)) this.targets.set(source.stream, lastSeq);
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
    this.setLag(source.stream, info.num_pending);
    this.checkCaughtUp(source.stream, info.num_pending, position);
    if (this.stopped) return;
    const messages = await consumer.consume({ max_messages: Math.min(this.spec.batchSize ?? 1_000, 1_000) });
    this.current.set(source.stream, messages);
    // Closed while the consumer was being made: close() did not see this one.
    if (this.stopped) await messages.close().catch(() => undefined);
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
      this.setLag(source.stream, last.info.pending);
      this.checkCaughtUp(source.stream, last.info.pending, last.seq);
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
      let count = events.length;
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
            count--;
            skipped.inc({ projection: this.spec.name, stream: source.stream });
            this.logger.error({ err: String(single), subject: event.subject, seq: event.streamSequence }, "event could not be applied; skipped");
            await this.transaction(source.stream, position, []);
          }
        }
      }
      this.appliedEvents += count;
      applied.inc({ projection: this.spec.name, stream: source.stream }, count);
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

  /** The stream's last sequence, or null when the stream does not exist (yet). */
  private async streamLastSeq(stream: string): Promise<number | null> {
    try {
      return (await this.bus.jsm.streams.info(stream)).state.last_seq;
    } catch (err) {
      if (String(err).includes("not found")) return null;
      throw err;
    }
  }
}

/**
 * A crash during a switch leaves `<path>.rebuild` beside the path: if the path is gone the old
 * file was already removed and the rebuilt one is the one to use; otherwise the rebuild never
 * switched and its file is dropped.
 */
function recoverFromInterruptedSwitch(path: string, logger: Logger): void {
  const rebuildPath = `${path}.rebuild`;
  if (!existsSync(rebuildPath)) return;
  if (existsSync(path)) {
    logger.warn("an unfinished rebuild's file found; removing it");
    removeDatabase(rebuildPath);
  } else {
    logger.warn("a rebuild was interrupted while switching; using its file");
    moveDatabase(rebuildPath, path);
  }
}

/** Copies every table of a snapshot file into a fresh database, refusing one of another version. */
async function copySnapshot(instance: DuckDBInstance, snapshot: string, version: number): Promise<void> {
  if (!existsSync(snapshot)) throw new Error(`snapshot ${snapshot} not found`);
  const connection = await instance.connect();
  try {
    // ATTACH takes no bound parameters; the path comes from the operator, quoted as a literal.
    await connection.run(`ATTACH '${snapshot.replaceAll("'", "''")}' AS projection_snapshot (READ_ONLY)`);
    try {
      const meta = await connection.runAndReadAll(`SELECT version FROM projection_snapshot.${META_TABLE} LIMIT 1`).catch(() => undefined);
      const stored = meta?.getRowObjectsJS()[0]?.version;
      if (stored === undefined || Number(stored) !== version) {
        throw new Error(`snapshot ${snapshot} is of version ${stored ?? "unknown"}, not ${version}: rebuild from the streams instead`);
      }
      const [current] = (await connection.runAndReadAll("SELECT current_database() AS db")).getRowObjectsJS();
      await connection.run(`COPY FROM DATABASE projection_snapshot TO "${String(current!.db).replaceAll('"', '""')}"`);
    } finally {
      await connection.run("DETACH projection_snapshot");
    }
  } finally {
    connection.closeSync();
  }
}

function moveDatabase(from: string, to: string): void {
  renameSync(from, to);
  if (existsSync(`${from}.wal`)) renameSync(`${from}.wal`, `${to}.wal`);
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

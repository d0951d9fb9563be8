import { ChannelCredentials, Client, Server, ServerCredentials, status, type ServiceError } from "@grpc/grpc-js";
import { fieldOf, InvalidArgument } from "../../src/errors";
import { failFastWhileDown, implement, type CallContext, type ServiceDefinition } from "../../src/grpc/service";
import { promiseClient } from "../../src/grpc/client";
import { createLogger } from "../../src/logger";

/**
 * Server-streaming RPCs through the kit, over a real grpc-js server on loopback: `implement`
 * with an async generator on one side, the kit client's async iterable on the other. The
 * service is built by hand (JSON on the wire) so that no production proto is needed.
 */
interface RowsRequest {
  count: number;
  /** "mid": InvalidArgument after `failAfter` rows; "bug": a plain Error; "never": wait on the signal. */
  mode?: "rows" | "mid" | "bug" | "before" | "never" | "endless";
  failAfter?: number;
}
interface Row {
  n: number;
  tenant: string;
  subject: string;
  roles: string[];
  hasDeadline: boolean;
  /** Makes the messages large enough for flow control to matter. */
  padding?: string;
}

const json = <T>() => ({
  serialize: (v: T) => Buffer.from(JSON.stringify(v)),
  deserialize: (b: Buffer) => JSON.parse(b.toString()) as T,
});
const req = json<RowsRequest>();
const row = json<Row>();
const rowsService = {
  listRows: {
    path: "/relata.test.v1.Rows/ListRows",
    requestStream: false,
    responseStream: true,
    requestSerialize: req.serialize,
    requestDeserialize: req.deserialize,
    responseSerialize: row.serialize,
    responseDeserialize: row.deserialize,
  },
  countRows: {
    path: "/relata.test.v1.Rows/CountRows",
    requestStream: false,
    responseStream: false,
    requestSerialize: req.serialize,
    requestDeserialize: req.deserialize,
    responseSerialize: row.serialize,
    responseDeserialize: row.deserialize,
  },
} as const satisfies ServiceDefinition;

/** What the generators did, by call: how many rows they produced and whether their finally ran. */
interface Run {
  produced: number;
  finished: boolean;
  aborted: boolean;
  finallyRan: Promise<void>;
}
const runs: Run[] = [];
let down: string | undefined;

async function* listRows(request: RowsRequest, ctx: CallContext): AsyncGenerator<Row> {
  let ran!: () => void;
  const run: Run = { produced: 0, finished: false, aborted: false, finallyRan: new Promise((resolve) => (ran = resolve)) };
  runs.push(run);
  const message = (n: number): Row => ({
    n,
    tenant: ctx.identity.tenantId,
    subject: ctx.identity.subject,
    roles: ctx.identity.roles,
    hasDeadline: ctx.deadline instanceof Date,
    ...(request.mode === "endless" ? { padding: "x".repeat(1024) } : {}),
  });
  try {
    if (request.mode === "before") throw new InvalidArgument("query.columns", "query.columns: unknown column \"secret\"");
    if (request.mode === "never") {
      await new Promise((_resolve, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }));
    }
    for (let n = 0; request.mode === "endless" || n < request.count; n++) {
      if (request.mode === "mid" && n === request.failAfter) throw new InvalidArgument("query.filter", "query.filter: cannot compare a date with a number");
      if (request.mode === "bug" && n === request.failAfter) throw new Error("cursor exploded at mongodb://user:secret@db");
      run.produced++;
      yield message(n);
    }
    run.finished = true;
  } finally {
    run.aborted = ctx.signal.aborted;
    ran();
  }
}

let server: Server;
let channel: Client;
const client = () => promiseClient(rowsService, channel, { defaultTimeoutMs: 30_000 });
const identity = { tenantId: "acme", subject: "u-7", roles: ["analyst"], requestId: "r-1" };

beforeAll(async () => {
  server = new Server();
  const registration = implement(rowsService, { listRows, countRows: async (r, ctx) => (await collect(listRows(r, ctx))).at(-1)! }, createLogger("streaming-test", "silent"));
  const guarded = failFastWhileDown(registration, () => down);
  server.addService(guarded.definition, guarded.implementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  channel = new Client(`127.0.0.1:${port}`, ChannelCredentials.createInsecure());
});
afterAll(async () => {
  channel.close();
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});
beforeEach(() => {
  runs.length = 0;
  down = undefined;
});

async function collect<T>(messages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const m of messages) out.push(m);
  return out;
}

/** Reads the stream until it fails; the messages before the failure and the failure. */
async function collectUntilError<T>(messages: AsyncIterable<T>): Promise<{ received: T[]; error: ServiceError }> {
  const received: T[] = [];
  try {
    for await (const m of messages) received.push(m);
  } catch (err) {
    return { received, error: err as ServiceError };
  }
  throw new Error(`the stream ended without an error after ${received.length} messages`);
}

/** Waits until `value()` stops changing (the producer is parked), within a bound. */
async function settled(value: () => number): Promise<number> {
  let last = -1;
  for (let i = 0; i < 100 && value() !== last; i++) {
    last = value();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return value();
}

it("a stream of 10,000 messages arrives complete and in order, with the caller's identity in the generator", async () => {
  const rows = await collect(client().listRows({ count: 10_000 }, { identity }));
  expect(rows).toHaveLength(10_000);
  expect(rows.every((r, i) => r.n === i)).toBe(true);
  expect(rows[0]).toEqual({ n: 0, tenant: "acme", subject: "u-7", roles: ["analyst"], hasDeadline: true });
  expect(runs[0]).toMatchObject({ produced: 10_000, finished: true, aborted: false });
});

it("an empty stream ends cleanly", async () => {
  expect(await collect(client().listRows({ count: 0 }, { identity }))).toEqual([]);
});

it("unary methods of the same service still answer promises", async () => {
  await expect(client().countRows({ count: 3 }, { identity })).resolves.toMatchObject({ n: 2, tenant: "acme" });
});

it("a consumer that stops early cancels the call: the server's generator is returned and its finally runs", async () => {
  const seen: number[] = [];
  for await (const r of client().listRows({ count: 0, mode: "endless" }, { identity })) {
    seen.push(r.n);
    if (seen.length === 5) break;
  }
  expect(seen).toEqual([0, 1, 2, 3, 4]);
  await runs[0]!.finallyRan;
  expect(runs[0]).toMatchObject({ finished: false, aborted: true });
});

it("the server produces only as fast as the client reads (backpressure), then stops when cancelled", async () => {
  const iterator = client().listRows({ count: 0, mode: "endless" }, { identity })[Symbol.asyncIterator]();
  expect((await iterator.next()).value).toMatchObject({ n: 0 });
  // The reader pauses: the generator fills the flow-control windows and buffers, then waits.
  const parked = await settled(() => runs[0]!.produced);
  expect(parked).toBeGreaterThan(1);
  expect(parked).toBeLessThan(5_000); // ~1 KiB messages: 5 MiB, far more than HTTP/2 windows and buffers hold
  // Reading on resumes the producer.
  for (let i = 0; i < parked; i++) await iterator.next();
  expect(runs[0]!.produced).toBeGreaterThan(parked);
  await iterator.return!();
  await runs[0]!.finallyRan;
  expect(runs[0]!.aborted).toBe(true);
});

it("aborting the caller's signal cancels the stream", async () => {
  const abort = new AbortController();
  const received: Row[] = [];
  const failure = await (async () => {
    for await (const r of client().listRows({ count: 0, mode: "endless" }, { identity, signal: abort.signal })) {
      received.push(r);
      if (received.length === 3) abort.abort();
    }
  })().catch((err: unknown) => err as ServiceError);
  expect(failure).toMatchObject({ code: status.CANCELLED });
  await runs[0]!.finallyRan;
  expect(runs[0]!.aborted).toBe(true);
});

it("a passed deadline stops a generator waiting on its signal, and the caller sees DEADLINE_EXCEEDED", async () => {
  const { received, error } = await collectUntilError(client().listRows({ count: 1, mode: "never" }, { identity, deadline: new Date(Date.now() + 300) }));
  expect(received).toEqual([]);
  expect(error.code).toBe(status.DEADLINE_EXCEEDED);
  await runs[0]!.finallyRan;
  expect(runs[0]!.aborted).toBe(true);
});

it("a validation error thrown mid-stream reaches the client as its status, naming the field, after the rows before it", async () => {
  const { received, error } = await collectUntilError(client().listRows({ count: 100, mode: "mid", failAfter: 40 }, { identity }));
  expect(received.map((r) => r.n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  expect(error.code).toBe(status.INVALID_ARGUMENT);
  expect(error.details).toBe("query.filter: cannot compare a date with a number");
  expect(fieldOf(error)).toBe("query.filter");
});

it("an error before the first message is the call's status", async () => {
  const { received, error } = await collectUntilError(client().listRows({ count: 10, mode: "before" }, { identity }));
  expect(received).toEqual([]);
  expect(error.code).toBe(status.INVALID_ARGUMENT);
  expect(fieldOf(error)).toBe("query.columns");
});

it("an unexpected error mid-stream is INTERNAL, without its message", async () => {
  const { received, error } = await collectUntilError(client().listRows({ count: 10, mode: "bug", failAfter: 2 }, { identity }));
  expect(received).toHaveLength(2);
  expect(error.code).toBe(status.INTERNAL);
  expect(error.details).toBe("internal error");
});

it("a call without a valid tenant is refused before the generator runs", async () => {
  const { error } = await collectUntilError(client().listRows({ count: 10 }, { identity: { ...identity, tenantId: "Not A Tenant" } }));
  expect(error.code).toBe(status.UNAUTHENTICATED);
  expect(runs).toHaveLength(0);
});

it("while a dependency is known to be down, a stream is refused UNAVAILABLE without running the generator", async () => {
  down = "database";
  const { error } = await collectUntilError(client().listRows({ count: 10 }, { identity }));
  expect(error.code).toBe(status.UNAVAILABLE);
  expect(error.details).toBe("the database is unavailable; retry later");
  expect(runs).toHaveLength(0);
});

it("the call starts only when iteration starts", async () => {
  const stream = client().listRows({ count: 3 }, { identity });
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(runs).toHaveLength(0);
  expect((await collect(stream)).map((r) => r.n)).toEqual([0, 1, 2]);
});

import { Client, ChannelCredentials, Server, ServerCredentials, status, type ServiceError } from "@grpc/grpc-js";
import mongoose from "mongoose";
import { errors as natsErrors } from "@nats-io/transport-node";
import { outageOf, toGrpcError, DependencyUnavailable, StateConflict } from "../../src/errors";
import { failFastWhileDown, implement, type ServiceDefinition } from "../../src/grpc/service";
import { Readiness } from "../../src/health";
import { promiseClient } from "../../src/grpc/client";
import { createLogger } from "../../src/logger";

const { MongoNetworkError, MongoNetworkTimeoutError, MongoServerSelectionError, MongoNotConnectedError, MongoServerError, MongoTopologyClosedError } = mongoose.mongo;

describe("a dependency that is down is UNAVAILABLE, not INTERNAL", () => {
  it.each([
    ["MongoNetworkError", new MongoNetworkError("connect ECONNREFUSED 127.0.0.1:27017")],
    ["MongoNetworkTimeoutError", new MongoNetworkTimeoutError("connection timed out")],
    ["MongoServerSelectionError", new MongoServerSelectionError("Server selection timed out after 5000 ms", { servers: new Map() } as never)],
    ["MongoNotConnectedError", new MongoNotConnectedError("Client must be connected before running operations")],
    ["MongoTopologyClosedError", new MongoTopologyClosedError()],
    ["a mongoose buffering timeout", new mongoose.Error("Operation `leads.insertOne()` buffering timed out after 10000ms")],
    ["a wrapped network error", new Error("write failed", { cause: new MongoNetworkError("socket hang up") })],
    // What the driver let through unwrapped when the database dropped a connection mid-write.
    ["a bare socket error", Object.assign(new Error("write ECONNRESET"), { code: "ECONNRESET", errno: -104, syscall: "write" })],
  ])("%s → UNAVAILABLE naming the database, without the driver's message", (_name, err) => {
    expect(outageOf(err)).toBe("database");
    const grpc = toGrpcError(err);
    expect(grpc.code).toBe(status.UNAVAILABLE);
    expect(grpc.details).toBe("the database is unavailable; retry later");
    expect(grpc.details).not.toMatch(/127\.0\.0\.1|ECONN|leads/);
  });

  it("the pool cleared after a failure (a network-class error of the driver) is an outage", () => {
    // MongoPoolClearedError is not exported by the driver; it extends MongoNetworkError.
    class PoolClearedError extends MongoNetworkError {
      override get name(): string {
        return "MongoPoolClearedError";
      }
    }
    expect(toGrpcError(new PoolClearedError("Connection pool for 127.0.0.1:27017 was cleared")).code).toBe(status.UNAVAILABLE);
  });

  it("a lost connection to the message bus is UNAVAILABLE naming the bus", () => {
    const grpc = toGrpcError(new natsErrors.ClosedConnectionError());
    expect(grpc).toMatchObject({ code: status.UNAVAILABLE, details: "the message bus is unavailable; retry later" });
  });

  it("what the database refuses, and plain bugs, stay INTERNAL; domain errors keep their status", () => {
    const duplicate = new MongoServerError({ message: "E11000 duplicate key error", code: 11000 });
    expect(outageOf(duplicate)).toBeUndefined();
    expect(toGrpcError(duplicate).code).toBe(status.INTERNAL);
    expect(toGrpcError(new TypeError("x is undefined")).code).toBe(status.INTERNAL);
    expect(toGrpcError(Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT", syscall: "open" })).code).toBe(status.INTERNAL);
    expect(toGrpcError(new mongoose.Error("Cast to ObjectId failed")).code).toBe(status.INTERNAL);
    expect(toGrpcError(new StateConflict("a converted lead cannot be qualified")).code).toBe(status.ABORTED);
    expect(toGrpcError(new DependencyUnavailable("database")).code).toBe(status.UNAVAILABLE);
  });

  it("real failures against an unreachable database are classified as outages", async () => {
    // Port 9 (discard) on loopback: nothing listens there.
    const connection = mongoose.createConnection("mongodb://127.0.0.1:9/outage", { serverSelectionTimeoutMS: 200 });
    connection.on("error", () => undefined);
    try {
      const connecting = await connection.asPromise().catch((err: unknown) => err);
      expect((connecting as Error).name).toBe("MongooseServerSelectionError");
      expect(outageOf(connecting)).toBe("database");
      // While disconnected mongoose queues operations and fails them after bufferTimeoutMS.
      const Lead = connection.model("Lead", new mongoose.Schema({ lastName: String }, { bufferTimeoutMS: 200 }));
      const buffered = await Lead.create({ lastName: "Lovelace" }).catch((err: unknown) => err);
      expect(buffered).toBeInstanceOf(Error);
      expect(outageOf(buffered)).toBe("database");
    } finally {
      await connection.close().catch(() => undefined);
    }
  });
});

describe("implement() answers an outage with UNAVAILABLE", () => {
  const echo = {
    create: {
      path: "/relata.test.v1.Echo/Create",
      requestStream: false,
      responseStream: false,
      requestSerialize: (v: { text: string }) => Buffer.from(JSON.stringify(v)),
      requestDeserialize: (b: Buffer) => JSON.parse(b.toString()) as { text: string },
      responseSerialize: (v: { text: string }) => Buffer.from(JSON.stringify(v)),
      responseDeserialize: (b: Buffer) => JSON.parse(b.toString()) as { text: string },
    },
  } as const satisfies ServiceDefinition;

  let server: Server;
  let channel: Client;
  let failWith: unknown;
  let handled = 0;
  const readiness = new Readiness(["mongo"], createLogger("outage-test", "silent"));

  beforeAll(async () => {
    server = new Server();
    const registration = implement(
      echo,
      {
        create: async (req) => {
          handled++;
          return failWith ? Promise.reject(failWith) : req;
        },
      },
      createLogger("outage-test", "silent"),
    );
    const guarded = failFastWhileDown(registration, () => (readiness.isUp("mongo") ? undefined : "database"));
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

  const identity = { tenantId: "acme", subject: "u-1", roles: [], requestId: "r-1" };

  it("the caller sees UNAVAILABLE with a clear message, and INTERNAL for a bug", async () => {
    readiness.set("mongo", true);
    const client = promiseClient(echo, channel, { defaultTimeoutMs: 5_000 });
    failWith = new MongoServerSelectionError("Server selection timed out after 5000 ms", { servers: new Map() } as never);
    const outage = (await client.create({ text: "x" }, { identity }).catch((e: unknown) => e)) as ServiceError;
    expect(outage.code).toBe(status.UNAVAILABLE);
    expect(outage.details).toBe("the database is unavailable; retry later");
    failWith = new Error("bug");
    const bug = (await client.create({ text: "x" }, { identity }).catch((e: unknown) => e)) as ServiceError;
    expect(bug.code).toBe(status.INTERNAL);
  });

  it("while the database is known to be down, calls are refused at once without reaching the handler", async () => {
    const client = promiseClient(echo, channel, { defaultTimeoutMs: 5_000 });
    failWith = undefined;
    readiness.set("mongo", false);
    const before = handled;
    const refused = (await client.create({ text: "x" }, { identity }).catch((e: unknown) => e)) as ServiceError;
    expect(refused.code).toBe(status.UNAVAILABLE);
    expect(refused.details).toBe("the database is unavailable; retry later");
    expect(handled).toBe(before);
    readiness.set("mongo", true);
    expect(await client.create({ text: "back" }, { identity })).toEqual({ text: "back" });
    expect(handled).toBe(before + 1);
  });
});

import { createServer, connect, type Server, type Socket } from "node:net";
import { randomUUID } from "node:crypto";
import { connectMongo, createLogger } from "@relata/platform";
import { CreateLeadRequest, GetLeadRequest } from "@relata/proto/sales/v1/lead";
import { demoUsername, localStack, userToken, waitFor } from "@relata/testing";
import { healthClient, salesClientsAt, sample, startGateway, startSales, type SalesUnderTest } from "./support";

/**
 * The service reaches the stack's database through a relay of this test's own, which the test
 * cuts (every connection dropped, new ones refused: what a crashed database looks like from the
 * service) and restores on the same port. So the outage is real to the service, whatever the
 * local database runs on, and no other test's database goes away.
 */
interface DatabaseRelay {
  uri: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

async function startDatabaseRelay(targetUri: string): Promise<DatabaseRelay> {
  const target = new URL(targetUri);
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    track(client);
    track(upstream);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as { port: number }).port;
  const cut = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.resetAndDestroy();
    await closed;
  };
  return {
    uri: `mongodb://127.0.0.1:${port}`,
    cut,
    restore: () => listen(port),
    close: async () => {
      if (server.listening) await cut();
    },
  };
}

/** A port nothing listens on now, for a server this test starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let relay: DatabaseRelay;
let sales: SalesUnderTest;
let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;

beforeAll(async () => {
  relay = await startDatabaseRelay(localStack.ferretdbUri);
  sales = await startSales({ grpcPort: await freePort(), metricsPort: await freePort(), mongoBaseUri: relay.uri });
  // A deadline longer than the driver's server selection (5 s), so that what a create meets in
  // an outage is the service's own answer, not the gateway giving up first.
  gateway = await startGateway({ port: await freePort(), metricsPort: await freePort(), salesGrpcAddr: sales.grpcAddr, requestTimeoutMs: 15_000 });
}, 120_000);

afterAll(async () => {
  await gateway?.process.stop();
  await sales?.process.stop();
  await relay?.close();
  if (sales) {
    const db = await connectMongo(`${localStack.ferretdbUri}/${sales.process.database}`, createLogger("readiness-database-test", "silent"));
    await db.dropDatabase().catch(() => undefined);
    await db.close();
  }
});

describe("readiness follows the database", () => {
  it("falls when the database goes away, rises when it returns, with the data written before intact", async () => {
    const health = healthClient(sales.grpcAddr);
    const clients = salesClientsAt(sales.grpcAddr, 5_000);
    const leads = clients.leads;
    const identity = { tenantId: "acme", subject: "readiness-test", roles: ["sales-rep"], requestId: randomUUID() };
    try {
      expect(await health.status()).toBe("SERVING");
      const before = await leads.createLead(CreateLeadRequest.fromPartial({ lastName: "Before", company: "Outage Ltd" }), { identity });

      await relay.cut();
      await waitFor(async () => (await health.status()) === "NOT_SERVING", { timeoutMs: 20_000, what: "NOT_SERVING without the database" });
      const down = await (await fetch(sales.metricsUrl)).text();
      expect(sample(down, "relata_dependency_up", { dependency: "mongo" })).toBe(0);
      expect(sample(down, "relata_ready")).toBe(0);

      await relay.restore();
      await waitFor(async () => (await health.status()) === "SERVING", { timeoutMs: 30_000, what: "SERVING after the database returns" });
      const up = await (await fetch(sales.metricsUrl)).text();
      expect(sample(up, "relata_dependency_up", { dependency: "mongo" })).toBe(1);

      const read = await leads.getLead(GetLeadRequest.fromPartial({ id: before.id }), { identity });
      expect(read.lastName).toBe("Before");
      const after = await leads.createLead(CreateLeadRequest.fromPartial({ lastName: "After", company: "Outage Ltd" }), { identity });
      expect(after.id).not.toBe(before.id);
    } finally {
      health.close();
      clients.close();
    }
  });

  it("through the gateway, creates during an outage are 503 with Retry-After, never 500, and every acknowledged create survives", async () => {
    const health = healthClient(sales.grpcAddr);
    const token = await userToken(demoUsername("acme", "sales-rep"));
    const company = `Outage Burst ${randomUUID().slice(0, 8)}`;
    interface Answer {
      status: number;
      retryAfter: string | null;
      type?: string;
      detail?: string;
      id?: string;
      /** Sent after the service reported NOT_SERVING. */
      duringOutage: boolean;
    }
    const answers: Answer[] = [];
    let outage = false;
    let stop = false;
    let n = 0;

    async function create(): Promise<Answer> {
      const duringOutage = outage;
      const res = await fetch(`${gateway!.url}/v1/leads`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ lastName: `Burst ${++n}`, company }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await res.json()) as { id?: string; type?: string; detail?: string };
      return { status: res.status, retryAfter: res.headers.get("retry-after"), type: body.type, detail: body.detail, id: body.id, duringOutage };
    }
    // Four clients writing without pause; a refused one waits a little before its next try.
    const writers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const answer = await create();
        answers.push(answer);
        if (answer.status !== 201) await new Promise((r) => setTimeout(r, 100));
      }
    });
    const acknowledged = () => answers.filter((a) => a.status === 201);
    try {
      await waitFor(async () => acknowledged().length >= 10, { timeoutMs: 20_000, what: "creates acknowledged before the outage" });

      await relay.cut();
      await waitFor(async () => (await health.status()) === "NOT_SERVING", { timeoutMs: 20_000, what: "NOT_SERVING without the database" });
      outage = true;
      await waitFor(async () => answers.filter((a) => a.duringOutage).length >= 5, { timeoutMs: 20_000, what: "answers during the outage" });

      outage = false;
      await relay.restore();
      await waitFor(async () => (await health.status()) === "SERVING", { timeoutMs: 30_000, what: "SERVING after the database returns" });
      const before = acknowledged().length;
      await waitFor(async () => acknowledged().length >= before + 5, { timeoutMs: 20_000, what: "creates acknowledged after the outage" });
    } finally {
      stop = true;
      await Promise.all(writers);
      health.close();
    }

    // Never a 500 (or any other failure): acknowledged, or refused as unavailable with a retry time.
    const unexpected = answers.filter((a) => a.status !== 201 && a.status !== 503);
    expect(unexpected).toEqual([]);
    const refused = answers.filter((a) => a.status === 503);
    for (const a of refused) {
      expect(a.type).toBe("https://relata.dev/problems/unavailable");
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    // While the service knew the database was gone, every create was refused that way.
    const duringOutage = answers.filter((a) => a.duringOutage);
    expect(duringOutage.length).toBeGreaterThanOrEqual(5);
    expect(duringOutage.filter((a) => a.status !== 503)).toEqual([]);

    // Nothing acknowledged was lost.
    for (const a of acknowledged()) {
      const read = await fetch(`${gateway!.url}/v1/leads/${a.id}`, { headers: { authorization: `Bearer ${token}` } });
      expect({ id: a.id, status: read.status }).toEqual({ id: a.id, status: 200 });
    }
  }, 180_000);
});

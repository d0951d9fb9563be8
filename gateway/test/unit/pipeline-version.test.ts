import { createLogger, FIELD_TRAILER, VersionConflict } from "@relata/platform";
import { Metadata } from "@grpc/grpc-js";
import { StageKind } from "@relata/proto/sales/v1/pipeline";
import type { Express } from "express";
import request from "supertest";
import { createApp } from "../../src/app";
import { createTokenVerifier } from "../../src/auth/verifier";
import type { SalesClients } from "@relata/sales/client";
import { PipelineJson } from "@relata/sales/http";
import { noClients } from "../support/clients";
import { startLocalIssuer, type LocalIssuer } from "../support/tokens";

/**
 * The default pipeline of a tenant that never configured one is version 0 (Sales stores
 * nothing for it): the API shows 0, serves ETag "0", and passes If-Match "0" on as expected
 * version 0, which Sales honours ("only while nothing is stored"); no If-Match or `*` passes no
 * expected version (no check). The stand-in below answers as Sales does.
 */
const stages = [
  { id: "prospecting", name: "Prospecting", probability: 10, kind: StageKind.STAGE_KIND_OPEN },
  { id: "won", name: "Won", probability: 100, kind: StageKind.STAGE_KIND_WON },
  { id: "lost", name: "Lost", probability: 0, kind: StageKind.STAGE_KIND_LOST },
];
const body = {
  stages: [
    { id: "prospecting", name: "Prospecting", probability: 10, kind: "open" },
    { id: "won", name: "Won", probability: 100, kind: "won" },
    { id: "lost", name: "Lost", probability: 0, kind: "lost" },
  ],
};
let storedVersion = "0";
const updates: { expectedVersion?: string }[] = [];

/** Sales' VersionConflict as a gRPC client sees it. */
function staleVersion() {
  const conflict = new VersionConflict("pipeline", "acme");
  const metadata = new Metadata();
  metadata.set(FIELD_TRAILER, conflict.field!);
  return Object.assign(new Error(conflict.message), { code: conflict.code, details: conflict.message, metadata });
}

const sales = {
  pipeline: {
    getPipeline: async () => ({ tenantId: "acme", version: storedVersion, stages }),
    updatePipeline: async (req: { expectedVersion?: string }) => {
      updates.push(req);
      if (req.expectedVersion !== undefined && req.expectedVersion !== storedVersion) throw staleVersion();
      storedVersion = String(Number(storedVersion) + 1);
      return { tenantId: "acme", version: storedVersion, stages };
    },
  },
} as unknown as SalesClients;

let issuer: LocalIssuer;
let app: Express;
let manager: string;

beforeAll(async () => {
  issuer = await startLocalIssuer();
  app = createApp(
    { publicUrl: "http://gw.test", issuer: issuer.issuer, requestTimeoutMs: 1000, bodyLimit: "100kb" },
    { logger: createLogger("t", "silent"), verifier: createTokenVerifier({ issuer: issuer.issuer, audience: "relata-api", jwksUrl: issuer.jwksUrl }), clients: { ...noClients(), sales }, readiness: [] },
  );
  manager = `Bearer ${await issuer.userToken(["sales-manager"], "acme")}`;
});
afterAll(() => issuer.stop());
beforeEach(() => {
  storedVersion = "0";
  updates.length = 0;
});

test("the default pipeline answers version 0 with ETag \"0\", as its schema says", async () => {
  const res = await request(app).get("/v1/pipeline").set("Authorization", manager).expect(200);
  expect(res.headers.etag).toBe('"0"');
  expect(res.body.version).toBe(0);
  expect(PipelineJson.safeParse(res.body).success).toBe(true);
});

test('If-Match "0" replaces the default while it is still the default', async () => {
  await request(app).put("/v1/pipeline").set("Authorization", manager).set("If-Match", '"0"').send(body).expect(200);
  expect(updates).toEqual([expect.objectContaining({ expectedVersion: "0" })]);
});

test('If-Match "0" is stale once the pipeline was configured: Sales refuses it, 412, nothing written', async () => {
  storedVersion = "1";
  const res = await request(app).put("/v1/pipeline").set("Authorization", manager).set("If-Match", '"0"').send(body).expect(412);
  expect(res.body.field).toBe("If-Match");
  expect(updates).toEqual([expect.objectContaining({ expectedVersion: "0" })]);
  expect(storedVersion).toBe("1");
});

test("without If-Match, or with *, no expected version is sent: the default or a stored pipeline is replaced", async () => {
  await request(app).put("/v1/pipeline").set("Authorization", manager).send(body).expect(200);
  await request(app).put("/v1/pipeline").set("Authorization", manager).set("If-Match", "*").send(body).expect(200);
  expect(updates).toEqual([{ expectedVersion: undefined, stages: expect.any(Array) }, { expectedVersion: undefined, stages: expect.any(Array) }]);
  expect(storedVersion).toBe("2");
});

test("a stored version is checked by Sales; weak or malformed tags never reach it", async () => {
  storedVersion = "3";
  await request(app).put("/v1/pipeline").set("Authorization", manager).set("If-Match", '"3"').send(body).expect(200);
  expect(updates).toEqual([expect.objectContaining({ expectedVersion: "3" })]);
  await request(app).put("/v1/pipeline").set("Authorization", manager).set("If-Match", 'W/"3"').send(body).expect(412);
  await request(app).put("/v1/pipeline").set("Authorization", manager).set("If-Match", '"03"').send(body).expect(400);
  expect(updates).toHaveLength(1);
});

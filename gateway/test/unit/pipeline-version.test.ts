import { createLogger } from "@relata/platform";
import { StageKind } from "@relata/proto/sales/v1/pipeline";
import type { Express } from "express";
import request from "supertest";
import { createApp } from "../../src/app";
import { createTokenVerifier } from "../../src/auth/verifier";
import type { SalesClients } from "../../src/backends";
import { PipelineJson } from "../../src/schemas/pipeline";
import { startLocalIssuer, type LocalIssuer } from "../support/tokens";

/**
 * The default pipeline of a tenant that never configured one is version 0 (Sales stores
 * nothing for it): the API shows 0, serves ETag "0", and honours If-Match "0" itself, because
 * Sales reads an expected version of 0 as "no check".
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
const updates: { expectedVersion: string }[] = [];

const sales = {
  pipeline: {
    getPipeline: async () => ({ tenantId: "acme", version: storedVersion, stages }),
    updatePipeline: async (req: { expectedVersion: string }) => {
      updates.push(req);
      return { tenantId: "acme", version: String(Number(storedVersion) + 1), stages };
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
    { logger: createLogger("t", "silent"), verifier: createTokenVerifier({ issuer: issuer.issuer, audience: "relata-api", jwksUrl: issuer.jwksUrl }), clients: { sales }, readiness: [] },
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

test('If-Match "0" is stale once the pipeline was configured: 412, nothing written', async () => {
  storedVersion = "1";
  const res = await request(app).put("/v1/pipeline").set("Authorization", manager).set("If-Match", '"0"').send(body).expect(412);
  expect(res.body.field).toBe("If-Match");
  expect(updates).toHaveLength(0);
});

test("a stored version is checked by Sales; weak or malformed tags never reach it", async () => {
  storedVersion = "3";
  await request(app).put("/v1/pipeline").set("Authorization", manager).set("If-Match", '"3"').send(body).expect(200);
  expect(updates).toEqual([expect.objectContaining({ expectedVersion: "3" })]);
  await request(app).put("/v1/pipeline").set("Authorization", manager).set("If-Match", 'W/"3"').send(body).expect(412);
  await request(app).put("/v1/pipeline").set("Authorization", manager).set("If-Match", '"03"').send(body).expect(400);
  expect(updates).toHaveLength(1);
});

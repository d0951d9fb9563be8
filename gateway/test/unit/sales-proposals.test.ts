import { createLogger, FIELD_TRAILER, NotFound } from "@relata/platform";
import { Metadata } from "@grpc/grpc-js";
import type { Express } from "express";
import request from "supertest";
import { createApp } from "../../src/app";
import { createTokenVerifier } from "../../src/auth/verifier";
import type { SalesClients } from "@relata/sales/client";
import { ProposalProfileJson } from "@relata/sales/http";
import { noClients } from "../support/clients";
import { startLocalIssuer, type LocalIssuer } from "../support/tokens";

/**
 * Sales' proposal routes through the gateway, with a stand-in for Sales: the quote's document
 * is sent as the PDF bytes Sales made, with its type and its download name; Sales' NOT_FOUND is
 * a 404; the profile's writers and readers; the stage change passes on the lost-to competitor.
 */
const PDF_BYTES = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.from([0, 1, 2, 0xff, 0xfe]), Buffer.from("\n%%EOF\n")]);
const calls: { method: string; request: unknown; tenant?: string }[] = [];

function grpcError(err: NotFound) {
  const metadata = new Metadata();
  if (err.field) metadata.set(FIELD_TRAILER, err.field);
  return Object.assign(new Error(err.message), { code: err.code, details: err.message, metadata });
}

const profile = { tenantId: "acme", companyName: "Acme Sp. z o.o.", addressLines: ["ul. Długa 1"], taxId: "PL1", defaultTerms: "", defaultLanguage: "pl", version: "3" };

const sales = {
  proposals: {
    renderQuoteDocument: async (req: { id: string }) => {
      calls.push({ method: "renderQuoteDocument", request: req });
      if (req.id !== "q-1") throw grpcError(new NotFound("quote", req.id));
      return { content: PDF_BYTES, fileName: "Q-000042-r2.pdf", mediaType: "application/pdf" };
    },
    getProposalProfile: async () => profile,
    updateProposalProfile: async (req: unknown) => {
      calls.push({ method: "updateProposalProfile", request: req });
      return { ...profile, version: "4" };
    },
  },
  competitors: {
    createCompetitor: async (req: { name: string }) => {
      calls.push({ method: "createCompetitor", request: req });
      return { id: "c-1", tenantId: "acme", name: req.name, website: "", strengths: "", weaknesses: "", version: "1" };
    },
    listCompetitors: async () => ({ competitors: [], page: { nextCursor: "" } }),
  },
  opportunities: {
    changeStage: async (req: unknown) => {
      calls.push({ method: "changeStage", request: req });
      return { id: "o-1", tenantId: "acme", accountId: "a-1", name: "Deal", stageId: "lost", version: "2", stageHistory: [] };
    },
  },
} as unknown as SalesClients;

let issuer: LocalIssuer;
let app: Express;
const token = async (roles: string[]) => `Bearer ${await issuer.userToken(roles, "acme")}`;

beforeAll(async () => {
  issuer = await startLocalIssuer();
  app = createApp(
    { publicUrl: "http://gw.test", issuer: issuer.issuer, requestTimeoutMs: 1000, bodyLimit: "100kb" },
    { logger: createLogger("t", "silent"), verifier: createTokenVerifier({ issuer: issuer.issuer, audience: "relata-api", jwksUrl: issuer.jwksUrl }), clients: { ...noClients(), sales }, readiness: [] },
  );
});
afterAll(() => issuer.stop());
beforeEach(() => {
  calls.length = 0;
});

/** The body as the bytes sent. */
const binary = (res: request.Response, callback: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  stream.on("end", () => callback(null, Buffer.concat(chunks)));
};

test("a quote's document is the PDF Sales made, offered as its download name", async () => {
  const res = await request(app).get("/v1/quotes/q-1/document").set("Authorization", await token(["sales-rep"])).buffer(true).parse(binary).expect(200);
  expect(res.headers["content-type"]).toMatch(/^application\/pdf/);
  expect(res.headers["content-disposition"]).toBe('attachment; filename="Q-000042-r2.pdf"');
  expect(Buffer.compare(res.body as Buffer, PDF_BYTES)).toBe(0);
  expect(calls).toEqual([{ method: "renderQuoteDocument", request: { id: "q-1" } }]);
});

test("an analyst (a Sales reader) may download it; a support agent may not", async () => {
  await request(app).get("/v1/quotes/q-1/document").set("Authorization", await token(["analyst"])).expect(200);
  await request(app).get("/v1/quotes/q-1/document").set("Authorization", await token(["support-agent"])).expect(403);
  await request(app).get("/v1/quotes/q-1/document").expect(401);
});

test("a quote Sales does not have is a 404 problem, not a PDF", async () => {
  const res = await request(app).get("/v1/quotes/nope/document").set("Authorization", await token(["sales-rep"])).expect(404);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(404);
});

test("the proposal profile: Sales readers read it, only a tenant admin replaces it", async () => {
  const read = await request(app).get("/v1/proposal-profile").set("Authorization", await token(["sales-rep"])).expect(200);
  expect(read.headers.etag).toBe('"3"');
  expect(ProposalProfileJson.parse(read.body)).toEqual({ companyName: "Acme Sp. z o.o.", addressLines: ["ul. Długa 1"], taxId: "PL1", defaultTerms: "", defaultLanguage: "pl", version: 3 });

  const body = { companyName: "Acme", addressLines: ["a", "b"], defaultLanguage: "uk" };
  await request(app).put("/v1/proposal-profile").set("Authorization", await token(["sales-manager"])).send(body).expect(403);
  expect(calls).toEqual([]);
  await request(app).put("/v1/proposal-profile").set("Authorization", await token(["tenant-admin"])).set("If-Match", '"3"').send(body).expect(200);
  expect(calls).toEqual([
    { method: "updateProposalProfile", request: { expectedVersion: "3", companyName: "Acme", addressLines: ["a", "b"], taxId: "", defaultTerms: "", defaultLanguage: "uk" } },
  ]);
});

test("the profile's schema refuses a language proposals are not written in, and unknown fields", async () => {
  const admin = await token(["tenant-admin"]);
  const bad = await request(app).put("/v1/proposal-profile").set("Authorization", admin).send({ defaultLanguage: "de" }).expect(400);
  expect(JSON.stringify(bad.body)).toContain("defaultLanguage");
  await request(app).put("/v1/proposal-profile").set("Authorization", admin).send({ logo: "x" }).expect(400);
  expect(calls).toEqual([]);
});

test("a stage change passes on the competitor a lost deal went to", async () => {
  await request(app)
    .post("/v1/opportunities/o-1/stage")
    .set("Authorization", await token(["sales-rep"]))
    .send({ stageId: "lost", reason: "price", lostToCompetitorId: "c-1" })
    .expect(200);
  expect(calls).toEqual([{ method: "changeStage", request: expect.objectContaining({ id: "o-1", stageId: "lost", reason: "price", lostToCompetitorId: "c-1" }) }]);
});

test("competitors: reps, managers and tenant admins write them, Sales readers read them, support does neither", async () => {
  for (const role of ["sales-rep", "sales-manager", "tenant-admin"]) {
    await request(app).post("/v1/competitors").set("Authorization", await token([role])).send({ name: "Rival" }).expect(201);
  }
  for (const role of ["analyst", "marketer", "support-agent"]) {
    await request(app).post("/v1/competitors").set("Authorization", await token([role])).send({ name: "Rival" }).expect(403);
  }
  await request(app).get("/v1/competitors").set("Authorization", await token(["analyst"])).expect(200);
  await request(app).get("/v1/competitors").set("Authorization", await token(["support-agent"])).expect(403);
  expect(calls.filter((c) => c.method === "createCompetitor")).toHaveLength(3);
});

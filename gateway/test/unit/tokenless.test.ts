import { Metadata } from "@grpc/grpc-js";
import { createLogger, FIELD_TRAILER, InvalidArgument, type Identity } from "@relata/platform";
import { route, type RouteSpec } from "@relata/platform/http";
import type { MarketingClients } from "@relata/marketing/client";
import { Channel } from "@relata/proto/marketing/v1/channel";
import { ConsentStatus } from "@relata/proto/marketing/v1/consent";
import type { Express } from "express";
import request from "supertest";
import { z } from "zod";
import { createApp, type AppOptions } from "../../src/app";
import { createTokenVerifier } from "../../src/auth/verifier";
import { openApiDocument } from "../../src/openapi/document";
import { mountRoutes, mountTokenlessRoutes } from "../../src/routes/define";
import { allRoutes } from "../../src/routes/index";
import { noClients } from "../support/clients";
import { startLocalIssuer, type LocalIssuer } from "../support/tokens";

/**
 * Routes served without a token (RouteSpec.tokenless): the unsubscribe link. The stand-in below
 * answers as Marketing does: it checks the signature itself (here: a token is good when its
 * signature part is "good") and refuses anything else with InvalidArgument naming `token`.
 */
const tokenFor = (payload: object, signature = "good") => `${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${signature}`;
const acmeLink = tokenFor({ t: "acme", p: "person-1", c: "email", k: "campaign-1", i: 1_700_000_000 });

const calls: { method: string; token: string; identity: Identity }[] = [];

/** Marketing's InvalidArgument as a gRPC client sees it. */
function refused() {
  const err = new InvalidArgument("token", "token: is not a valid unsubscribe link");
  const metadata = new Metadata();
  metadata.set(FIELD_TRAILER, "token");
  return Object.assign(new Error(err.message), { code: err.code, details: err.message, metadata });
}

function answer(method: string) {
  return async (req: { token: string }, call: { identity: Identity }) => {
    calls.push({ method, token: req.token, identity: call.identity });
    if (!req.token.endsWith(".good")) throw refused();
    return { channel: Channel.CHANNEL_EMAIL, campaignId: "campaign-1", status: method === "unsubscribe" ? ConsentStatus.CONSENT_STATUS_WITHDRAWN : ConsentStatus.CONSENT_STATUS_GRANTED };
  };
}

const marketing = { consents: { describeUnsubscribe: answer("describeUnsubscribe"), unsubscribe: answer("unsubscribe") } } as unknown as MarketingClients;

let issuer: LocalIssuer;

function appWith(extra: Partial<AppOptions> = {}): Express {
  return createApp(
    { publicUrl: "http://gw.test", issuer: issuer.issuer, requestTimeoutMs: 1000, bodyLimit: "10kb", ...extra },
    { logger: createLogger("t", "silent"), verifier: createTokenVerifier({ issuer: issuer.issuer, audience: "relata-api", jwksUrl: issuer.jwksUrl }), clients: { ...noClients(), marketing }, readiness: [] },
  );
}

let app: Express;
beforeAll(async () => {
  issuer = await startLocalIssuer();
  app = appWith();
});
afterAll(() => issuer.stop());
beforeEach(() => {
  calls.length = 0;
});

test("an unsubscribe link is served without a token, as an anonymous subject with no roles on the tenant the link names", async () => {
  const res = await request(app).get(`/v1/unsubscribe/${acmeLink}`).expect(200);
  expect(res.body).toEqual({ channel: "email", campaignId: "campaign-1", status: "granted" });
  expect(calls).toEqual([{ method: "describeUnsubscribe", token: acmeLink, identity: expect.objectContaining({ tenantId: "acme", subject: "anonymous", roles: [] }) }]);
});

test("the one-click POST of RFC 8058 is served without a token; its form body is ignored", async () => {
  const res = await request(app).post(`/v1/unsubscribe/${acmeLink}`).type("form").send("List-Unsubscribe=One-Click").expect(200);
  expect(res.body.status).toBe("withdrawn");
  expect(calls.map((c) => c.method)).toEqual(["unsubscribe"]);
});

test("a bearer token adds nothing: the caller is still anonymous", async () => {
  const token = await issuer.userToken(["tenant-admin"], "globex");
  await request(app).post(`/v1/unsubscribe/${acmeLink}`).set("Authorization", `Bearer ${token}`).expect(200);
  expect(calls[0]!.identity).toEqual(expect.objectContaining({ tenantId: "acme", subject: "anonymous", roles: [] }));
});

test("a tampered link: Marketing's 400 naming the token passes through", async () => {
  const res = await request(app).post(`/v1/unsubscribe/${tokenFor({ t: "acme", p: "person-2", c: "email", i: 1 }, "forged")}`).expect(400);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.body.field).toBe("token");
  expect(calls).toHaveLength(1);
});

test("a link whose payload names no tenant, or is no link at all, is refused by the gateway naming the token, and Marketing is not called", async () => {
  for (const token of [tokenFor({ p: "person-1", c: "email" }), tokenFor({ t: "Not A Tenant" }), "not-a-link", `${Buffer.from("{oops").toString("base64url")}.good`]) {
    const res = await request(app).get(`/v1/unsubscribe/${token}`).expect(400);
    expect(res.body.field).toBe("token");
  }
  expect(calls).toHaveLength(0);
});

test("every other route still requires a token", async () => {
  const res = await request(app).get("/v1/consents?personId=person-1").expect(401);
  expect(res.headers["www-authenticate"]).toMatch(/^Bearer realm="relata"/);
  await request(app).post("/v1/consents/unsubscribe-links").send({ personId: "person-1", channel: "email" }).expect(401);
  await request(app).get("/v1/campaigns").expect(401);
  await request(app).delete(`/v1/unsubscribe/${acmeLink}`).expect(405);
});

test("tokenless routes are limited per client address", async () => {
  const limited = appWith({ rateLimit: { perMinute: 60, burst: 2 } });
  await request(limited).get(`/v1/unsubscribe/${acmeLink}`).expect(200);
  await request(limited).post(`/v1/unsubscribe/${acmeLink}`).expect(200);
  const res = await request(limited).get(`/v1/unsubscribe/${acmeLink}`).expect(429);
  expect(res.headers["retry-after"]).toBeDefined();
});

test("the OpenAPI document lists no security for the unsubscribe link, and the bearer token for the others", () => {
  const doc = openApiDocument(allRoutes({ ...noClients(), marketing }), { publicUrl: "http://gw.test", issuer: "http://issuer.test" }) as {
    paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown>; description: string }>>;
  };
  for (const method of ["get", "post"]) {
    const op = doc.paths["/v1/unsubscribe/{token}"]![method]!;
    expect(op.security).toEqual([]);
    expect(op.responses["401"]).toBeUndefined();
    expect(op.description).toMatch(/Served without a token: anyone holding a signed unsubscribe link/);
  }
  expect(doc.paths["/v1/consents"]!.post!.security).toEqual([{ bearer: [] }, { keycloak: ["marketing:write"] }]);
});

test("a tokenless route is declared explicitly: each mount refuses the other kind, and a row that grants a role", () => {
  const spec = (extra: Partial<RouteSpec>): RouteSpec =>
    route({
      operationId: "probe",
      method: "get",
      path: "/v1/probe/:token",
      operation: "unsubscribe.use",
      tag: "Consent",
      summary: "probe",
      params: z.strictObject({ token: z.string() }),
      responses: { 200: { description: "ok" } },
      handler: async () => ({ body: {} }),
      ...extra,
    });
  const tokenless = { tenant: () => "acme", field: "token", why: "a test" };
  expect(() => mountRoutes([spec({ tokenless })], { publicUrl: "http://gw.test" })).toThrow(/without a token/);
  expect(() => mountTokenlessRoutes([spec({})], { publicUrl: "http://gw.test" })).toThrow(/requires a token/);
  expect(() => mountTokenlessRoutes([spec({ tokenless, operation: "consents.read" })], { publicUrl: "http://gw.test" })).toThrow(/may name no role or scope/);
});

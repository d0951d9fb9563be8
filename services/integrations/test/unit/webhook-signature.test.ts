import { Webhook } from "standardwebhooks";
import { signedHeaders } from "../../src/codec/webhook-payload";
import { newWebhookSecret, signingSecrets } from "../../src/domain/webhook";

const body = JSON.stringify({ type: "sales.lead.created", id: "e1", tenantId: "acme", timestamp: "2026-12-01T10:00:00.000Z", data: {} });

test("secrets are whsec_ and 24 random bytes in base64", () => {
  const secret = newWebhookSecret();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
  expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(24);
  expect(newWebhookSecret()).not.toBe(secret);
});

test("one secret: the headers verify with standardwebhooks", () => {
  const secret = newWebhookSecret();
  const headers = signedHeaders("d-1", body, [secret], new Date());
  expect(headers["webhook-id"]).toBe("d-1");
  expect(headers["webhook-signature"]).toMatch(/^v1,\S+$/);
  expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
});

test("two secrets during a rotation: the headers verify with each of them, not with another", () => {
  const [next, previous, other] = [newWebhookSecret(), newWebhookSecret(), newWebhookSecret()];
  const headers = signedHeaders("d-2", body, [next, previous], new Date());
  expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
  expect(() => new Webhook(next).verify(body, headers)).not.toThrow();
  expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
  expect(() => new Webhook(other).verify(body, headers)).toThrow();
  expect(() => new Webhook(next).verify(body.replace("e1", "e2"), headers)).toThrow();
});

test("the previous secret signs only until its overlap ends", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  const w = { secret: "whsec_new", previousSecret: "whsec_old", previousSecretExpiresAt: new Date("2026-12-01T11:00:00Z") };
  expect(signingSecrets(w, now)).toEqual(["whsec_new", "whsec_old"]);
  expect(signingSecrets(w, new Date("2026-12-01T11:00:01Z"))).toEqual(["whsec_new"]);
  expect(signingSecrets({ secret: "whsec_new" }, now)).toEqual(["whsec_new"]);
});

import { InvalidArgument } from "@relata/platform";
import { MIN_SECRET_LENGTH, UnsubscribeLinks } from "../../src/consent/links";
import { unsubscribeTenant, UNSUBSCRIBE_TOKEN_PATTERN } from "../../src/consent/token";
import { consentTime, CONSENT_CLOCK_SKEW_MS } from "../../src/domain/consent";

const links = new UnsubscribeLinks("a-test-secret-of-at-least-32-characters!");

function refusal(run: () => unknown): InvalidArgument {
  try {
    run();
  } catch (err) {
    if (err instanceof InvalidArgument) return err;
    throw err;
  }
  throw new Error("expected the token to be refused");
}

const reencode = (token: string, change: (payload: Record<string, unknown>) => void) => {
  const [payload, signature] = token.split(".") as [string, string];
  const decoded = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  change(decoded);
  return `${Buffer.from(JSON.stringify(decoded)).toString("base64url")}.${signature}`;
};

test("a link names its tenant, person, channel and campaign once verified", () => {
  const issuedAt = new Date("2026-11-30T10:00:00Z");
  const token = links.token("acme", "person-1", "email", "campaign-1", issuedAt);
  expect(token).toMatch(UNSUBSCRIBE_TOKEN_PATTERN);
  expect(links.verify(token, "acme")).toEqual({ tenantId: "acme", personId: "person-1", channel: "email", campaignId: "campaign-1", issuedAt });
  expect(links.link("acme", "person-1", "sms")).toMatch(/^\/v1\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  expect(links.verify(links.token("acme", "person-1", "post"), "acme").campaignId).toBe("");
  expect(unsubscribeTenant(token)).toBe("acme");
});

test("changing any byte of the token is refused, naming the token", () => {
  const token = links.token("acme", "person-1", "email", "campaign-1");
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (let i = 0; i < token.length; i++) {
    if (token[i] === ".") continue;
    const replacement = alphabet[(alphabet.indexOf(token[i]!) + 1) % alphabet.length]!;
    const tampered = token.slice(0, i) + replacement + token.slice(i + 1);
    expect(refusal(() => links.verify(tampered, "acme")).field).toBe("token");
  }
});

test("a link cannot be replayed for another person, channel or tenant, nor verified under another secret", () => {
  const token = links.token("acme", "person-1", "email");
  for (const forged of [
    reencode(token, (p) => (p.p = "person-2")),
    reencode(token, (p) => (p.c = "sms")),
    reencode(token, (p) => (p.t = "globex")),
    reencode(token, (p) => (p.k = "campaign-9")),
  ]) {
    expect(refusal(() => links.verify(forged, unsubscribeTenant(forged)!)).field).toBe("token");
  }
  // A genuine link of one tenant acted on in another.
  expect(refusal(() => links.verify(token, "globex")).field).toBe("token");
  expect(refusal(() => new UnsubscribeLinks("another-secret-of-at-least-32-characters").verify(token, "acme")).field).toBe("token");
  for (const junk of ["", ".", "abc", "abc.", ".abc", `${token}.extra`, token.split(".")[0]!]) expect(refusal(() => links.verify(junk, "acme")).field).toBe("token");
});

test("a secret shorter than 32 characters is refused at start", () => {
  expect(() => new UnsubscribeLinks("x".repeat(MIN_SECRET_LENGTH - 1))).toThrow(/at least 32/);
});

test("a change is dated now when not given, and never in the future", () => {
  const now = new Date("2026-11-30T10:00:00Z");
  expect(consentTime(undefined, now)).toBe(now);
  const past = new Date("2026-01-01T00:00:00Z");
  expect(consentTime(past, now)).toBe(past);
  expect(consentTime(new Date(now.getTime() + CONSENT_CLOCK_SKEW_MS), now).getTime()).toBe(now.getTime() + CONSENT_CLOCK_SKEW_MS);
  const failure = refusal(() => consentTime(new Date(now.getTime() + CONSENT_CLOCK_SKEW_MS + 1), now));
  expect(failure.field).toBe("at");
});

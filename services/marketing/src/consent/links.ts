import { InvalidArgument } from "@relata/platform";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { MarketingChannel } from "../domain/types";
import { channel as channelCodec } from "../resources";
import { readUnsubscribePayload, UNSUBSCRIBE_PATH, type UnsubscribePayload } from "./token";

/** What a verified link names. */
export interface VerifiedUnsubscribe {
  tenantId: string;
  personId: string;
  channel: MarketingChannel;
  /** "" when the link was made outside a campaign. */
  campaignId: string;
  issuedAt: Date;
}

/** The shortest secret accepted: 32 bytes' worth of characters. */
export const MIN_SECRET_LENGTH = 32;

// Binds the signature to its purpose: the same secret could never sign another kind of value alike.
const CONTEXT = "relata-unsubscribe-v1.";

const CHANNELS: readonly string[] = channelCodec.words;

/**
 * Unsubscribe links: `/v1/unsubscribe/<payload>.<signature>`, the payload (tenant, person,
 * channel, campaign, issued-at) in base64url JSON and its HMAC-SHA256 under a secret only
 * Marketing holds. Changing any byte of either part fails verification; the signature binds the
 * person and the tenant, so a link cannot be replayed for another person or tenant. Links do not
 * expire (an unsubscribe link must keep working after the campaign).
 */
export class UnsubscribeLinks {
  private readonly secret: Buffer;

  constructor(secret: string) {
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the unsubscribe secret must be at least ${MIN_SECRET_LENGTH} characters`);
    this.secret = Buffer.from(secret, "utf8");
  }

  /** The signed value for this person's channel (and the campaign that sends it, if any). */
  token(tenantId: string, personId: string, channel: MarketingChannel, campaignId = "", issuedAt = new Date()): string {
    const payload: UnsubscribePayload = { t: tenantId, p: personId, c: channel, i: Math.floor(issuedAt.getTime() / 1000) };
    if (campaignId) payload.k = campaignId;
    const encoded = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
    return `${encoded}.${this.sign(encoded).toString("base64url")}`;
  }

  /** The API path of the link: `/v1/unsubscribe/<token>` (what a campaign puts in its messages). */
  link(tenantId: string, personId: string, channel: MarketingChannel, campaignId = ""): string {
    return this.pathOf(this.token(tenantId, personId, channel, campaignId));
  }

  pathOf(token: string): string {
    return `${UNSUBSCRIBE_PATH}/${token}`;
  }

  /**
   * What the token names, once its signature is checked and its tenant is the caller's;
   * anything else is refused as 400 naming `token`, without saying which part was wrong.
   */
  verify(token: string, tenantId: string): VerifiedUnsubscribe {
    const refused = new InvalidArgument("token", "token: is not a valid unsubscribe link");
    const parts = token.split(".");
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw refused;
    const [encoded, signature] = parts as [string, string];
    const given = Buffer.from(signature, "base64url");
    const expected = this.sign(encoded);
    // Length first: timingSafeEqual compares equal lengths only; the length is not secret.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refused;
    // Base64url decoding ignores stray characters: the signed text must be exactly the canonical one.
    if (given.toString("base64url") !== signature) throw refused;
    const payload = readUnsubscribePayload(token);
    if (!payload || payload.t !== tenantId || !CHANNELS.includes(payload.c) || typeof payload.p !== "string" || !payload.p) throw refused;
    if (typeof payload.i !== "number" || (payload.k !== undefined && typeof payload.k !== "string")) throw refused;
    return { tenantId: payload.t, personId: payload.p, channel: payload.c as MarketingChannel, campaignId: payload.k ?? "", issuedAt: new Date(payload.i * 1000) };
  }

  private sign(encodedPayload: string): Buffer {
    return createHmac("sha256", this.secret).update(CONTEXT + encodedPayload).digest();
  }
}

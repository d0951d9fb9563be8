import type { Request, RequestHandler, Response } from "express";
import { stateOf } from "../http/context";
import { HttpProblem } from "@relata/platform/http";

export interface RateLimitOptions {
  /** Sustained requests per minute per caller; 0 turns limiting off. */
  perMinute: number;
  /** How many requests a caller may send at once above the sustained rate. */
  burst: number;
  now?: () => number;
  /** Whose bucket a request takes from; undefined: not limited. Default: the caller (tenant and subject). */
  key?: (req: Request, res: Response) => string | undefined;
}

/** The caller's bucket: tenant and user or partner client, once authenticated. */
export function byCaller(_req: Request, res: Response): string | undefined {
  const identity = stateOf(res).identity;
  return identity ? `${identity.tenantId}\u0000${identity.subject}` : undefined;
}

/**
 * The client address's bucket, for routes served without a token (no caller to key on). The
 * gateway does not trust X-Forwarded-For: behind a proxy every client shares the proxy's bucket.
 */
export function byClientAddress(req: Request): string | undefined {
  return `address\u0000${req.socket.remoteAddress ?? "unknown"}`;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per caller (tenant + user or partner client; or per client address for the
 * routes served without a token: `key`), so that one tenant's busy
 * client cannot starve the others. Answers carry RateLimit-Limit / -Remaining / -Reset
 * (IETF draft) and a refused request gets 429 with Retry-After. Buckets live in this
 * replica's memory: with N replicas behind a balancer a caller gets up to N times the rate.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  if (options.perMinute <= 0) return (_req, _res, next) => next();
  const now = options.now ?? Date.now;
  const perMs = options.perMinute / 60_000;
  const buckets = new Map<string, Bucket>();
  let lastSweep = now();

  const keyOf = options.key ?? byCaller;

  return (req, res, next) => {
    const key = keyOf(req, res);
    if (key === undefined) return next();
    const t = now();
    // Forget callers whose buckets have refilled: they are indistinguishable from new ones.
    if (t - lastSweep > 60_000) {
      for (const [held, b] of buckets) if (b.tokens + (t - b.at) * perMs >= options.burst) buckets.delete(held);
      lastSweep = t;
    }
    const bucket = buckets.get(key) ?? { tokens: options.burst, at: t };
    bucket.tokens = Math.min(options.burst, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
    buckets.set(key, bucket);
    const secondsToFull = () => String(Math.ceil((options.burst - bucket.tokens) / perMs / 1000));
    res.setHeader("RateLimit-Limit", String(options.burst));
    if (bucket.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
      res.setHeader("RateLimit-Remaining", "0");
      res.setHeader("RateLimit-Reset", secondsToFull());
      throw new HttpProblem("rate-limited", `too many requests: ${options.perMinute} a minute, ${options.burst} at once`, {
        headers: { "Retry-After": String(retryAfter) },
      });
    }
    bucket.tokens -= 1;
    res.setHeader("RateLimit-Remaining", String(Math.floor(bucket.tokens)));
    res.setHeader("RateLimit-Reset", secondsToFull());
    next();
  };
}

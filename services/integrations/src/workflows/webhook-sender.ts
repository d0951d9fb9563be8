import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { RESPONSE_BODY_LIMIT } from "../domain/webhook";
import { checkEndpoint, EndpointRefused, type EndpointPolicy, type ResolvedAddress, type Resolver } from "../domain/webhook-network";

/** The system resolver: every address of the host (A and AAAA). */
export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family as 4 | 6 }));

export interface AttemptResult {
  /** 0 when there was no HTTP answer. */
  status: number;
  body: string;
  retryAfter?: string;
  latencyMs: number;
  error: string;
  /** The endpoint was not called: its address is not allowed. */
  refused: boolean;
}

/** A lookup that answers the one address already checked, so DNS cannot swap it between check and connect. */
function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  }) as unknown as LookupFunction;
}

/**
 * POSTs a delivery: the endpoint's host resolved and checked (SSRF guard), then the request
 * sent to exactly that address; redirects are not followed (a 3xx is a failed attempt); the
 * answer's body is kept up to 1 KiB.
 */
export async function postDelivery(url: string, body: string, headers: Record<string, string>, policy: EndpointPolicy, timeoutMs: number): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let target: { url: URL; address: ResolvedAddress };
  try {
    const checked = await checkEndpoint(url, policy, "send");
    target = { url: checked.url, address: checked.address! };
  } catch (err) {
    const why = err instanceof EndpointRefused ? err.message : String(err);
    return { status: 0, body: "", latencyMs: elapsed(), error: `not called: ${why}`, refused: true };
  }
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<AttemptResult, "latencyMs" | "refused">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, latencyMs: elapsed(), refused: false });
    };
    const req = client.request(
      target.url,
      {
        method: "POST",
        agent: false,
        lookup: pinnedLookup(target.address),
        headers: { "content-type": "application/json", "user-agent": "Relata-Webhooks/1", ...headers, "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8").slice(0, RESPONSE_BODY_LIMIT),
            retryAfter: typeof res.headers["retry-after"] === "string" ? res.headers["retry-after"] : undefined,
            error: "",
          });
        res.on("data", (chunk: Buffer) => {
          if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk.subarray(0, RESPONSE_BODY_LIMIT - size));
          size += chunk.length;
          // Enough read: what follows is not kept.
          if (size >= RESPONSE_BODY_LIMIT) {
            done();
            res.destroy();
          }
        });
        res.on("end", done);
        res.on("error", done);
        res.on("close", done);
      },
    );
    const timer = setTimeout(() => {
      finish({ status: 0, body: "", error: `timed out after ${timeoutMs} ms` });
      req.destroy();
    }, timeoutMs);
    req.on("error", (err) => finish({ status: 0, body: "", error: err.message.slice(0, 300) }));
    req.end(body);
  });
}

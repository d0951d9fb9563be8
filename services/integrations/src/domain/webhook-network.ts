import { BlockList, isIP } from "node:net";

/**
 * The SSRF guard of webhook endpoints: no calls to private, loopback, link-local, CGNAT,
 * unique-local or cloud-metadata addresses unless the installation allows their network
 * (WEBHOOK_ALLOWED_NETWORKS). Checked on every address a host resolves to, at create, update and
 * on every send; the send then connects to exactly the address it checked.
 */

const BLOCKED_V4: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];
const BLOCKED_V6: [string, number][] = [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  // NAT64 carries an IPv4 address in its last 32 bits.
  ["64:ff9b::", 96],
];

/** Host names of cloud metadata services, refused whatever they resolve to. */
const METADATA_HOSTS = new Set(["metadata.google.internal", "metadata.goog", "metadata", "metadata.azure.internal", "instance-data", "instance-data.ec2.internal"]);

const blocked = new BlockList();
for (const [net, prefix] of BLOCKED_V4) blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of BLOCKED_V6) blocked.addSubnet(net, prefix, "ipv6");

/** Installation-allowed networks ("127.0.0.0/8,10.1.0.0/16"); throws on a malformed CIDR. */
export function parseAllowedNetworks(text: string): BlockList {
  const list = new BlockList();
  for (const item of text.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(item);
    const family = m ? isIP(m[1]!) : 0;
    const prefix = m ? Number(m[2]) : NaN;
    if (!m || family === 0 || prefix > (family === 4 ? 32 : 128)) throw new Error(`WEBHOOK_ALLOWED_NETWORKS: "${item}" is not a CIDR`);
    list.addSubnet(m[1]!, prefix, family === 4 ? "ipv4" : "ipv6");
  }
  return list;
}

/** The 8 groups of an IPv6 address as numbers (handles "::" and a trailing dotted IPv4). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().split("%")[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - h.length - t.length).fill("0");
  return [...h, ...zeros, ...t].map((g) => parseInt(g, 16));
}

/** The IPv4 address an IPv6 address embeds (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d), or null. */
export function embeddedIPv4(address: string): string | null {
  if (isIP(address) !== 6) return null;
  const g = ipv6Groups(address);
  const firstFive = g.slice(0, 5).every((x) => x === 0);
  if (!firstFive || !(g[5] === 0xffff || (g[5] === 0 && (g[6] !== 0 || g[7]! > 1)))) return null;
  return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join(".");
}

/** Why the address may not be called, or null when it may. */
export function addressRefusal(address: string, allowed: BlockList): string | null {
  const v4 = embeddedIPv4(address);
  const [addr, family] = v4 ? [v4, "ipv4" as const] : [address, isIP(address) === 4 ? ("ipv4" as const) : ("ipv6" as const)];
  if (isIP(addr) === 0) return `${address} is not an IP address`;
  if (allowed.check(addr, family)) return null;
  // An allowed mapped form counts as its IPv4 address; the IPv6 form itself may be allowed too.
  if (v4 && allowed.check(address, "ipv6")) return null;
  if (blocked.check(addr, family)) return `${address} is a private, loopback, link-local or metadata address`;
  return null;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (dns.lookup with all: true, or a fake in tests). */
export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export interface EndpointPolicy {
  allowHttp: boolean;
  allowed: BlockList;
  resolve: Resolver;
}

export class EndpointRefused extends Error {}

/** How long a resolution may take before the host counts as not resolving. */
export const RESOLVE_TIMEOUT_MS = 5_000;
/** At subscribe time the answer must fit in the API request's deadline; a host not resolved by then is checked at every send. */
export const SUBSCRIBE_RESOLVE_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Checks an endpoint URL and resolves its host: every address it resolves to must be allowed
 * (one bad address is enough to refuse: DNS may answer it next time). Returns the address to
 * connect to, the first one resolved. When subscribing, a host that does not resolve (yet) is
 * accepted: there is no address to refuse, and every send checks again.
 */
export async function checkEndpoint(url: string, policy: EndpointPolicy, mode: "send" | "subscribe" = "send"): Promise<{ url: URL; address: ResolvedAddress | null }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EndpointRefused("must be a URL");
  }
  if (parsed.protocol !== "https:" && !(policy.allowHttp && parsed.protocol === "http:")) {
    throw new EndpointRefused(policy.allowHttp ? "must be an http(s) URL" : "must be an https URL");
  }
  if (parsed.username || parsed.password) throw new EndpointRefused("must not carry credentials");
  const host = parsed.hostname.replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
  if (METADATA_HOSTS.has(host)) throw new EndpointRefused(`${host} is a cloud metadata host`);
  let addresses: ResolvedAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) as 4 | 6 }];
  else {
    try {
      addresses = await withTimeout(policy.resolve(host), mode === "subscribe" ? SUBSCRIBE_RESOLVE_TIMEOUT_MS : RESOLVE_TIMEOUT_MS);
    } catch (err) {
      if (mode === "subscribe") return { url: parsed, address: null };
      throw new EndpointRefused(`${host} does not resolve (${err instanceof Error ? err.message : String(err)})`);
    }
    if (addresses.length === 0) {
      if (mode === "subscribe") return { url: parsed, address: null };
      throw new EndpointRefused(`${host} does not resolve`);
    }
  }
  for (const a of addresses) {
    const why = addressRefusal(a.address, policy.allowed);
    if (why) throw new EndpointRefused(`${host === a.address ? "" : `${host} resolves to `}${why}`);
  }
  return { url: parsed, address: addresses[0]! };
}

import { parseAllowedNetworks, type ResolvedAddress } from "../../src/domain/webhook-network";
import { postDelivery } from "../../src/workflows/webhook-sender";
import { WebhookReceiver } from "../support/receiver";

// The SSRF guard at send time, over real HTTP to a local receiver: the host is resolved again
// on every attempt, an address that is no longer allowed is not called, and the connection goes
// to exactly the address that was checked (DNS cannot swap it in between).

const receiver = new WebhookReceiver();

beforeAll(async () => {
  await receiver.start();
});

afterAll(async () => {
  await receiver.stop();
});

/** A resolver that answers from a list, one answer per call (the last repeated), counting calls. */
function changingResolver(answers: string[][]) {
  const calls: string[] = [];
  return {
    calls,
    resolve: async (host: string): Promise<ResolvedAddress[]> => {
      calls.push(host);
      const next = answers.length > 1 ? answers.shift()! : answers[0]!;
      return next.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    },
  };
}

const port = () => new URL(receiver.url("/")).port;

test("a host allowed at create but resolving to a blocked address at send time is not called", async () => {
  const dns = changingResolver([["127.0.0.1"], ["10.0.0.5"]]);
  const policy = { allowHttp: true, allowed: parseAllowedNetworks("127.0.0.0/8"), resolve: dns.resolve };
  const url = `http://hooks.rebind.test:${port()}/guard-first`;
  // Create time: allowed (127.0.0.0/8 is the installation's).
  const first = await postDelivery(url, "{}", {}, policy, 5_000);
  expect([first.status, first.refused]).toEqual([204, false]);
  // Send time: the name now resolves to a private address: refused, nothing sent.
  const second = await postDelivery(url, "{}", {}, policy, 5_000);
  expect(second.refused).toBe(true);
  expect(second.status).toBe(0);
  expect(second.error).toMatch(/not called: .*10\.0\.0\.5/);
  expect(receiver.at("/guard-first")).toHaveLength(1);
  expect(dns.calls).toEqual(["hooks.rebind.test", "hooks.rebind.test"]);
});

test("the request goes to the address that was checked: the host name is never resolved again by the HTTP client", async () => {
  // The name exists only in the guard's resolver: were the client to look it up itself, it would fail.
  const dns = changingResolver([["127.0.0.1"]]);
  const policy = { allowHttp: true, allowed: parseAllowedNetworks("127.0.0.0/8"), resolve: dns.resolve };
  const result = await postDelivery(`http://only-in-the-guard.invalid:${port()}/guard-pinned`, '{"a":1}', { "webhook-id": "d-1" }, policy, 5_000);
  expect(result.status).toBe(204);
  const [r] = receiver.at("/guard-pinned");
  expect(r!.body).toBe('{"a":1}');
  expect(r!.headers.host).toBe(`only-in-the-guard.invalid:${port()}`);
  expect(dns.calls).toHaveLength(1);
});

test("a host with one blocked address among its answers is refused; ::1 stays refused with 127.0.0.0/8 allowed", async () => {
  const policy = (answers: string[]) => ({ allowHttp: true, allowed: parseAllowedNetworks("127.0.0.0/8"), resolve: changingResolver([answers]).resolve });
  expect((await postDelivery(`http://mixed.test:${port()}/guard-mixed`, "{}", {}, policy(["127.0.0.1", "169.254.169.254"]), 5_000)).refused).toBe(true);
  expect((await postDelivery(`http://six.test:${port()}/guard-mixed`, "{}", {}, policy(["::1"]), 5_000)).refused).toBe(true);
  expect(receiver.at("/guard-mixed")).toHaveLength(0);
});

test("redirects are not followed: a 3xx is the attempt's answer", async () => {
  receiver.script("/guard-redirect", [{ status: 302, headers: { Location: "http://169.254.169.254/latest/meta-data" } }]);
  const policy = { allowHttp: true, allowed: parseAllowedNetworks("127.0.0.0/8"), resolve: changingResolver([["127.0.0.1"]]).resolve };
  const result = await postDelivery(receiver.url("/guard-redirect"), "{}", {}, policy, 5_000);
  expect(result.status).toBe(302);
  expect(receiver.received.filter((r) => r.path !== "/guard-redirect" && r.path.includes("meta"))).toHaveLength(0);
});

test("an endpoint slower than the timeout is an attempt without status", async () => {
  receiver.script("/guard-slow", [{ status: 200, delayMs: 2_000 }]);
  const policy = { allowHttp: true, allowed: parseAllowedNetworks("127.0.0.0/8"), resolve: changingResolver([["127.0.0.1"]]).resolve };
  const result = await postDelivery(receiver.url("/guard-slow"), "{}", {}, policy, 300);
  expect(result.status).toBe(0);
  expect(result.error).toMatch(/timed out/);
});

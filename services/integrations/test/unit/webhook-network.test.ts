import { addressRefusal, checkEndpoint, embeddedIPv4, parseAllowedNetworks, type ResolvedAddress } from "../../src/domain/webhook-network";

const none = parseAllowedNetworks("");
const fakeResolver = (table: Record<string, string[]>) => async (host: string): Promise<ResolvedAddress[]> => {
  const addresses = table[host];
  if (!addresses) throw new Error("ENOTFOUND");
  return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
};
const policy = (table: Record<string, string[]> = {}, allowed = "", allowHttp = false) => ({ allowHttp, allowed: parseAllowedNetworks(allowed), resolve: fakeResolver(table) });

describe("addresses refused by default", () => {
  test.each([
    "0.0.0.0",
    "10.0.0.5",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "127.0.0.1",
    "127.10.0.1",
    "169.254.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "::ffff:a00:5",
    "0:0:0:0:0:ffff:7f00:1",
    "::10.0.0.5",
  ])("%s", (address) => {
    expect(addressRefusal(address, none)).toMatch(/private, loopback, link-local or metadata/);
  });
});

describe("public addresses pass", () => {
  test.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "169.255.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])("%s", (address) => {
    expect(addressRefusal(address, none)).toBeNull();
  });
});

test("mapped IPv6 forms are read as their IPv4 address", () => {
  expect(embeddedIPv4("::ffff:127.0.0.1")).toBe("127.0.0.1");
  expect(embeddedIPv4("::ffff:7f00:1")).toBe("127.0.0.1");
  expect(embeddedIPv4("2606:4700::1111")).toBeNull();
  expect(embeddedIPv4("::1")).toBeNull();
});

test("the allow-list lets its networks through, and only them", () => {
  const allowed = parseAllowedNetworks("127.0.0.0/8, 10.1.0.0/16");
  expect(addressRefusal("127.0.0.1", allowed)).toBeNull();
  expect(addressRefusal("::ffff:127.0.0.1", allowed)).toBeNull();
  expect(addressRefusal("10.1.2.3", allowed)).toBeNull();
  expect(addressRefusal("10.2.0.1", allowed)).not.toBeNull();
  expect(addressRefusal("::1", allowed)).not.toBeNull();
  expect(addressRefusal("169.254.169.254", allowed)).not.toBeNull();
  expect(() => parseAllowedNetworks("10.0.0.0/33")).toThrow(/not a CIDR/);
  expect(() => parseAllowedNetworks("nonsense")).toThrow(/not a CIDR/);
});

describe("checkEndpoint", () => {
  test("https to a host resolving to public addresses passes, and answers the first address to connect to", async () => {
    const result = await checkEndpoint("https://hooks.example/x", policy({ "hooks.example": ["93.184.216.34", "2606:4700::1111"] }));
    expect(result.address).toEqual({ address: "93.184.216.34", family: 4 });
  });

  test("http is refused unless the installation allows it", async () => {
    await expect(checkEndpoint("http://hooks.example/x", policy({ "hooks.example": ["93.184.216.34"] }))).rejects.toThrow(/https/);
    await expect(checkEndpoint("http://hooks.example/x", policy({ "hooks.example": ["93.184.216.34"] }, "", true))).resolves.toBeDefined();
    await expect(checkEndpoint("ftp://hooks.example/x", policy({ "hooks.example": ["93.184.216.34"] }, "", true))).rejects.toThrow(/http/);
  });

  test("a host with any private address among its answers is refused (DNS may give it next time)", async () => {
    await expect(checkEndpoint("https://mixed.example/", policy({ "mixed.example": ["93.184.216.34", "10.0.0.5"] }))).rejects.toThrow(/resolves to 10.0.0.5/);
  });

  test("literal addresses, bracketed IPv6, decimal IPv4 and metadata host names are refused", async () => {
    await expect(checkEndpoint("https://169.254.169.254/latest/meta-data", policy())).rejects.toThrow(/metadata/);
    await expect(checkEndpoint("https://[::1]:8443/", policy())).rejects.toThrow(/::1/);
    await expect(checkEndpoint("https://[::ffff:10.0.0.5]/", policy())).rejects.toThrow(/private/);
    await expect(checkEndpoint("https://2130706433/", policy())).rejects.toThrow(/127.0.0.1/);
    await expect(checkEndpoint("https://metadata.google.internal/computeMetadata/v1/", policy({ "metadata.google.internal": ["93.184.216.34"] }))).rejects.toThrow(/metadata host/);
  });

  test("a host that does not resolve is refused when sending, accepted when subscribing (every send checks again)", async () => {
    await expect(checkEndpoint("https://nowhere.example/", policy())).rejects.toThrow(/does not resolve/);
    await expect(checkEndpoint("https://nowhere.example/", policy(), "subscribe")).resolves.toMatchObject({ address: null });
    // Still refused when subscribing: a literal blocked address, a blocked resolution.
    await expect(checkEndpoint("https://10.0.0.5/", policy(), "subscribe")).rejects.toThrow(/10.0.0.5/);
    await expect(checkEndpoint("https://ten.example/", policy({ "ten.example": ["10.0.0.5"] }), "subscribe")).rejects.toThrow(/10.0.0.5/);
  });

  test("with 127.0.0.0/8 allowed, localhost passes but ::1, 10.0.0.5 and 169.254.169.254 do not", async () => {
    const local = policy({ localhost: ["127.0.0.1"], six: ["::1"], ten: ["10.0.0.5"] }, "127.0.0.0/8", true);
    await expect(checkEndpoint("http://localhost:9000/hook", local)).resolves.toBeDefined();
    await expect(checkEndpoint("http://six:9000/hook", local)).rejects.toThrow(/::1/);
    await expect(checkEndpoint("http://ten/hook", local)).rejects.toThrow(/10.0.0.5/);
    await expect(checkEndpoint("http://169.254.169.254/", local)).rejects.toThrow(/169.254.169.254/);
  });
});

import { ENDPOINT_URL_PATTERN, f } from "../../src/resource";

/**
 * A URL the platform connects to: the schema's pattern must promise exactly what the WHATWG
 * parser takes, so a value the API schema allows is never refused as malformed further in.
 */
const parses = (url: string) => {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
};

describe("endpoint URLs", () => {
  test.each([
    "https://partner.example/hooks/relata",
    "HtTp://Y.b-c.d9:0",
    "http://a",
    "https://1-2.x?q=ä#frag",
    "http://10.0.0.5/hook",
    "http://255.255.255.255:65535",
    "https://[::1]/hook",
    "https://[::ffff:192.168.1.1]/",
    "https://[1:2:3:4:5:6:7::]",
    "https://[fe80::1:2]:8443/x",
    "http://h/\ud9da\udfa5\u0000\\path",
  ])("%j is matched and parses", (url) => {
    expect([ENDPOINT_URL_PATTERN.test(url), parses(url)]).toEqual([true, true]);
  });

  test.each([
    // what the API fuzzing found: a host the IDNA step refuses
    "HtTp://Y\ud9da\udfa5X\u00c6\u00b5\udb1d\udd4d\u00be\u008b.\u00a3\u00c8\uda0c\udcbd",
    "http://xn--a.example/", // punycode the parser decodes and may refuse
    "http://1.2.3.4.5/", // read as an IPv4 number, which it is not
    "http://example.123/",
    "http://host:65536/",
    "http://user:secret@host/",
    "http://[::1%25eth0]/",
    "http://[1:2:3]/",
    "http://256.1.1.1/",
    "ftp://host/",
  ])("%j is not matched", (url) => {
    expect(ENDPOINT_URL_PATTERN.test(url)).toBe(false);
  });

  test("the field refuses what the pattern does not match, with the rule in its message", () => {
    const input = f.endpointUrl(100).codec.input;
    expect(input.safeParse("https://ok.example/x").success).toBe(true);
    const refused = input.safeParse("http://xn--a.example/");
    expect(refused.success ? "" : refused.error.issues[0]!.message).toMatch(/ASCII host name/);
    expect(input.safeParse(`https://a.example/${"x".repeat(100)}`).success).toBe(false);
  });
});

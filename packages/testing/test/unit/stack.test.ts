import { demoUsername, PARTNER_CLIENTS, readLocalStack, ROLES, TENANTS, testServerPort } from "../../src/stack";

describe("readLocalStack", () => {
  it("uses the ports of deploy/env.sh by default", () => {
    expect(readLocalStack({})).toEqual({
      postgresPort: 5433,
      ferretdbPort: 27017,
      natsPort: 4222,
      natsMonitorPort: 8222,
      keycloakPort: 8180,
      salesGrpcPort: 50051,
      gatewayPort: 8080,
      salesMetricsPort: 9464,
      gatewayMetricsPort: 9465,
      ferretdbUri: "mongodb://127.0.0.1:27017",
      natsUrl: "nats://127.0.0.1:4222",
      natsMonitorUrl: "http://127.0.0.1:8222",
      keycloakUrl: "http://localhost:8180",
      keycloakIssuer: "http://localhost:8180/realms/relata",
      gatewayUrl: "http://localhost:8080",
      salesGrpcAddr: "127.0.0.1:50051",
      salesMetricsUrl: "http://127.0.0.1:9464/metrics",
      gatewayMetricsUrl: "http://127.0.0.1:9465/metrics",
    });
  });

  it("follows the port variables and the URL overrides", () => {
    const stack = readLocalStack({
      FERRETDB_PORT: "27117",
      KEYCLOAK_PORT: "8280",
      SALES_GRPC_PORT: "50151",
      GATEWAY_URL: "http://gw.test:9999/",
      NATS_URL: "nats://nats.test:4222",
    });
    expect(stack.ferretdbUri).toBe("mongodb://127.0.0.1:27117");
    expect(stack.keycloakIssuer).toBe("http://localhost:8280/realms/relata");
    expect(stack.salesGrpcAddr).toBe("127.0.0.1:50151");
    expect(stack.gatewayUrl).toBe("http://gw.test:9999");
    expect(stack.natsUrl).toBe("nats://nats.test:4222");
    expect(readLocalStack({ OIDC_ISSUER: "http://kc.test/realms/relata/" }).keycloakIssuer).toBe("http://kc.test/realms/relata");
  });

  it("moves the defaults, not the ports set, to the test block as deploy/env.sh does", () => {
    const stack = readLocalStack({ RELATA_PORT_BLOCK: "test", NATS_PORT: "21222" });
    expect(stack.ferretdbPort).toBe(17017);
    expect(stack.postgresPort).toBe(15433);
    expect(stack.salesGrpcPort).toBe(10051);
    expect(stack.keycloakIssuer).toBe("http://localhost:18180/realms/relata");
    expect(stack.gatewayMetricsUrl).toBe("http://127.0.0.1:19465/metrics");
    expect(stack.natsPort).toBe(21222);
  });

  it("names a variable that is not a port", () => {
    expect(() => readLocalStack({ NATS_PORT: "nats" })).toThrow('NATS_PORT="nats" is not a TCP port');
    expect(() => readLocalStack({ GATEWAY_PORT: "70000" })).toThrow("GATEWAY_PORT");
  });
});

describe("demo identities", () => {
  it("names every tenant user <tenant>-<role>", () => {
    expect(demoUsername("acme", "sales-rep")).toBe("acme-sales-rep");
    expect(demoUsername("globex", "kb-editor")).toBe("globex-kb-editor");
    expect(demoUsername("acme", "sales-rep", 2)).toBe("acme-sales-rep-2");
    const all = TENANTS.flatMap((t) => ROLES.filter((r) => r !== "platform-admin").map((r) => demoUsername(t, r as never)));
    expect(new Set(all).size).toBe(16);
  });

  it("refuses users the realm does not have", () => {
    expect(() => demoUsername("acme", "platform-admin" as never)).toThrow("platform-admin");
    expect(() => demoUsername("initech" as never, "sales-rep")).toThrow("initech");
    expect(() => demoUsername("acme", "analyst", 2)).toThrow("only sales-rep");
  });

  it("describes one partner client per tenant", () => {
    expect(PARTNER_CLIENTS.acme).toMatchObject({ clientId: "acme-partner", tenant: "acme", scopes: ["sales:read", "sales:write"] });
    expect(PARTNER_CLIENTS.globex.scopes).toEqual(["sales:read"]);
  });
});

describe("testServerPort", () => {
  it("puts a test's own servers in the stack's port block", () => {
    expect(testServerPort(0, { salesGrpcPort: 50051 })).toBe(50151);
    expect(testServerPort(2, { salesGrpcPort: 21051 })).toBe(21153);
    expect(testServerPort(899, readLocalStack({ RELATA_PORT_BLOCK: "test" }))).toBe(11050);
  });

  it("refuses an offset outside the block or a port past 65535", () => {
    expect(() => testServerPort(900, { salesGrpcPort: 50051 })).toThrow("0-899");
    expect(() => testServerPort(-1, { salesGrpcPort: 50051 })).toThrow("0-899");
    expect(() => testServerPort(0, { salesGrpcPort: 65500 })).toThrow("65600");
  });
});

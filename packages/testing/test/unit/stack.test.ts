import { demoUsername, PARTNER_CLIENTS, readLocalStack, ROLES, TENANTS, testServerPort } from "../../src/stack";
import { findWorkload, readWorkloads } from "../../src/workloads";

describe("readLocalStack", () => {
  it("uses the ports of deploy/env.sh and of the workloads' manifests by default", () => {
    expect(readLocalStack({})).toEqual({
      postgresPort: 5433,
      ferretdbPort: 27017,
      natsPort: 4222,
      natsMonitorPort: 8222,
      keycloakPort: 8180,
      opensearchPort: 9200,
      ferretdbUri: "mongodb://127.0.0.1:27017",
      natsUrl: "nats://127.0.0.1:4222",
      natsMonitorUrl: "http://127.0.0.1:8222",
      opensearchUrl: "http://127.0.0.1:9200",
      keycloakUrl: "http://localhost:8180",
      keycloakIssuer: "http://localhost:8180/realms/relata",
      gatewayUrl: "http://localhost:8080",
      workloads: {
        sales: { kind: "grpc-service", port: 50051, metricsPort: 9464, address: "127.0.0.1:50051", metricsUrl: "http://127.0.0.1:9464/metrics" },
        service: { kind: "grpc-service", port: 50052, metricsPort: 9467, address: "127.0.0.1:50052", metricsUrl: "http://127.0.0.1:9467/metrics" },
        knowledge: { kind: "grpc-service", port: 50053, metricsPort: 9468, address: "127.0.0.1:50053", metricsUrl: "http://127.0.0.1:9468/metrics" },
        marketing: { kind: "grpc-service", port: 50054, metricsPort: 9469, address: "127.0.0.1:50054", metricsUrl: "http://127.0.0.1:9469/metrics" },
        reporting: { kind: "grpc-service", port: 50055, metricsPort: 9470, address: "127.0.0.1:50055", metricsUrl: "http://127.0.0.1:9470/metrics" },
        integrations: { kind: "grpc-service", port: 50056, metricsPort: 9471, address: "127.0.0.1:50056", metricsUrl: "http://127.0.0.1:9471/metrics" },
        gateway: { kind: "http-gateway", port: 8080, metricsPort: 9465, address: "127.0.0.1:8080", metricsUrl: "http://127.0.0.1:9465/metrics" },
      },
      testPortBase: 50151,
    });
  });

  it("follows the port variables and the URL overrides", () => {
    const stack = readLocalStack({
      FERRETDB_PORT: "27117",
      KEYCLOAK_PORT: "8280",
      SALES_GRPC_PORT: "50151",
      GATEWAY_URL: "http://gw.test:9999/",
      NATS_URL: "nats://nats.test:4222",
      OPENSEARCH_PORT: "9300",
    });
    expect(stack.ferretdbUri).toBe("mongodb://127.0.0.1:27117");
    expect(stack.keycloakIssuer).toBe("http://localhost:8280/realms/relata");
    expect(stack.workloads.sales!.address).toBe("127.0.0.1:50151");
    expect(stack.gatewayUrl).toBe("http://gw.test:9999");
    expect(stack.natsUrl).toBe("nats://nats.test:4222");
    expect(stack.opensearchPort).toBe(9300);
    expect(stack.opensearchUrl).toBe("http://127.0.0.1:9300");
    expect(readLocalStack({ OPENSEARCH_URL: "https://search.test:9200/" }).opensearchUrl).toBe("https://search.test:9200");
    expect(readLocalStack({ OIDC_ISSUER: "http://kc.test/realms/relata/" }).keycloakIssuer).toBe("http://kc.test/realms/relata");
    expect(readLocalStack({ GATEWAY_PORT: "8580" }).gatewayUrl).toBe("http://localhost:8580");
  });

  it("moves the defaults, not the ports set, to the test block as deploy/env.sh does", () => {
    const stack = readLocalStack({ RELATA_PORT_BLOCK: "test", NATS_PORT: "21222" });
    expect(stack.ferretdbPort).toBe(17017);
    expect(stack.postgresPort).toBe(15433);
    expect(stack.workloads.sales!.port).toBe(10051);
    expect(stack.keycloakIssuer).toBe("http://localhost:18180/realms/relata");
    expect(stack.gatewayUrl).toBe("http://localhost:18080");
    expect(stack.workloads.gateway!.metricsUrl).toBe("http://127.0.0.1:19465/metrics");
    expect(stack.natsPort).toBe(21222);
    expect(stack.opensearchUrl).toBe("http://127.0.0.1:19200");
    expect(readLocalStack({ RELATA_PORT_BLOCK: "test", SALES_GRPC_PORT: "23051" }).workloads.sales!.address).toBe("127.0.0.1:23051");
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
    expect(PARTNER_CLIENTS.acme).toMatchObject({
      clientId: "acme-partner",
      tenant: "acme",
      scopes: ["sales:read", "sales:write", "service:read", "service:write", "knowledge:read", "knowledge:write", "marketing:read", "marketing:write", "reporting:read", "webhooks:manage", "bulk:import", "bulk:export"],
    });
    expect(PARTNER_CLIENTS.globex.scopes).toEqual(["sales:read", "service:read", "knowledge:read", "marketing:read", "reporting:read"]);
  });
});

describe("testServerPort", () => {
  it("puts a test's own servers in the stack's port block, after its services' gRPC ports", () => {
    expect(testServerPort(0, readLocalStack({}))).toBe(50151);
    expect(testServerPort(2, readLocalStack({ SALES_GRPC_PORT: "21051" }))).toBe(21153);
    expect(testServerPort(899, readLocalStack({ RELATA_PORT_BLOCK: "test" }))).toBe(11050);
  });

  it("follows every service its manifest declares: the lowest gRPC port + 100", () => {
    const declared = readWorkloads();
    const sales = findWorkload(declared, "sales");
    const loyalty = { ...sales, name: "loyalty", prefix: "LOYALTY", workspace: "services/loyalty", ports: { grpc: 50052, metrics: 9466 } };
    const stack = readLocalStack({}, [loyalty, ...declared]);
    expect(stack.workloads.loyalty).toEqual({ kind: "grpc-service", port: 50052, metricsPort: 9466, address: "127.0.0.1:50052", metricsUrl: "http://127.0.0.1:9466/metrics" });
    expect(testServerPort(0, stack)).toBe(50151);
    expect(testServerPort(0, readLocalStack({ LOYALTY_GRPC_PORT: "23052", SALES_GRPC_PORT: "23051" }, [loyalty, ...declared]))).toBe(23151);
  });

  it("refuses an offset outside the block or a port past 65535", () => {
    expect(() => testServerPort(900, { testPortBase: 50151 })).toThrow("0-899");
    expect(() => testServerPort(-1, { testPortBase: 50151 })).toThrow("0-899");
    expect(() => testServerPort(0, { testPortBase: 65600 })).toThrow("65600");
  });
});

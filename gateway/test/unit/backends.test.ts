import { ConfigError } from "@relata/platform";
import { addressVariable, BACKENDS, backendScopes, type BackendClients } from "../../src/backends";
import { loadGatewayConfig } from "../../src/config";
import { openApiDocument } from "../../src/openapi/document";
import { allRoutes } from "../../src/routes/index";

const base = { OIDC_ISSUER: "https://id.example.test/realms/relata" };
const addresses = Object.fromEntries(BACKENDS.map((b, i) => [addressVariable(b.name), `127.0.0.1:${50051 + i}`]));

function configError(env: Record<string, string>): string {
  try {
    loadGatewayConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error("the configuration was accepted");
}

describe("the backend list drives the gateway", () => {
  test("each backend is reached at <NAME>_GRPC_ADDR (Sales at SALES_GRPC_ADDR)", () => {
    expect(addressVariable("sales")).toBe("SALES_GRPC_ADDR");
    const config = loadGatewayConfig({ ...base, ...addresses, SALES_GRPC_ADDR: "relata-sales:50051" });
    expect(config.backendAddresses.sales).toBe("relata-sales:50051");
    expect(Object.keys(config.backendAddresses).sort()).toEqual(BACKENDS.map((b) => b.name).sort());
  });

  test("a missing or malformed address stops the start with a message naming the variable", () => {
    for (const b of BACKENDS) {
      const name = addressVariable(b.name);
      const { [name]: _omitted, ...without } = addresses;
      expect(configError({ ...base, ...without })).toMatch(new RegExp(`${name} is required but not set`));
      expect(configError({ ...base, ...addresses, [name]: "no port here" })).toMatch(new RegExp(`${name} is invalid: must be host:port`));
    }
    for (const ok of ["127.0.0.1:50051", "relata-sales:50051", "[::1]:50051", "dns:///relata-sales.relata.svc:50051"]) {
      expect(loadGatewayConfig({ ...base, ...addresses, SALES_GRPC_ADDR: ok }).backendAddresses.sales).toBe(ok);
    }
  });

  test("the OpenAPI tags and partner scopes are the backends' own, and every route's tag is declared", () => {
    const clients = Object.fromEntries(BACKENDS.map((b) => [b.name, {}])) as BackendClients;
    const routes = allRoutes(clients);
    const doc = openApiDocument(routes, { publicUrl: "https://api.example.test", issuer: base.OIDC_ISSUER }) as {
      tags: { name: string }[];
      components: { securitySchemes: { keycloak: { flows: { clientCredentials: { scopes: Record<string, string> } } } } };
    };
    const declared = BACKENDS.flatMap((b) => [...b.tags]);
    expect(doc.tags.map((t) => t.name)).toEqual(declared);
    expect(new Set(routes.map((r) => r.tag))).toEqual(new Set(declared));
    expect(doc.components.securitySchemes.keycloak.flows.clientCredentials.scopes).toEqual(backendScopes());
    expect(backendScopes()).toEqual({
      "sales:read": "read Sales records",
      "sales:write": "create leads",
      "service:read": "read cases and the Service's records",
      "service:write": "open cases",
      "knowledge:read": "read published public articles",
      "knowledge:write": "write articles",
      "marketing:read": "read campaigns, segments, lists and results",
      "marketing:write": "write campaigns and post responses (web forms)",
      "reporting:read": "read dashboards, customer value and ad-hoc queries",
      "webhooks:manage": "manage the tenant's webhooks and read their deliveries",
      "bulk:import": "run import jobs (create and update accounts, contacts and leads in bulk)",
      "bulk:export": "run export jobs (read every account, contact or lead as CSV)",
    });
  });
});

import { ConfigError, env, loadConfig, serviceEnv } from "../../src/config";

describe("configuration from the environment", () => {
  it("names every missing or malformed variable", () => {
    expect.assertions(3);
    try {
      loadConfig(serviceEnv, { GRPC_PORT: "99999", NATS_URL: "nats://localhost:4222" });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toContain("MONGO_URI is required but not set");
      expect(problems.some((p) => p.startsWith("GRPC_PORT is invalid"))).toBe(true);
    }
  });

  it("applies defaults and coerces types", () => {
    const config = loadConfig(
      { ...serviceEnv, RELAY: env.flag(true) },
      { MONGO_URI: "mongodb://localhost:27017/relata_sales", NATS_URL: "nats://localhost:4222", RELAY: "false" },
    );
    expect(config).toMatchObject({ GRPC_PORT: 50051, LOG_LEVEL: "info", RELAY: false, SHUTDOWN_GRACE_MS: 10_000 });
  });

  it("requires the MongoDB URI to name its database", () => {
    expect(() => loadConfig(serviceEnv, { MONGO_URI: "mongodb://localhost:27017", NATS_URL: "nats://x" })).toThrow(/MONGO_URI is invalid/);
  });
});

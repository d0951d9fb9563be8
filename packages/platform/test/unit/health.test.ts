import { Readiness } from "../../src/health";
import { createLogger } from "../../src/logger";
import { registry } from "../../src/telemetry/metrics";

const readyGauge = async () => (await registry.getSingleMetric("relata_ready")!.get()).values[0]?.value;

describe("readiness", () => {
  it("serves only once every dependency is up and the handlers are registered", async () => {
    const readiness = new Readiness(["mongo", "nats"], createLogger("health-test", "silent"));
    readiness.set("mongo", true);
    readiness.set("nats", true);
    // Dependencies up, handlers not yet there: a SERVING answer now would send calls to nothing.
    expect(readiness.ready).toBe(false);
    readiness.markStarted();
    expect(readiness.ready).toBe(true);
    expect(await readyGauge()).toBe(1);
  });

  it("falls when a dependency goes, rises when it returns, and stays down once draining", async () => {
    const readiness = new Readiness(["mongo", "nats"], createLogger("health-test", "silent"));
    readiness.set("mongo", true);
    readiness.set("nats", true);
    readiness.markStarted();
    readiness.set("nats", false);
    expect(readiness.ready).toBe(false);
    expect(await readyGauge()).toBe(0);
    expect(readiness.dependencies()).toEqual({ mongo: true, nats: false });
    readiness.set("nats", true);
    expect(readiness.ready).toBe(true);
    readiness.drain();
    expect(readiness.ready).toBe(false);
  });
});

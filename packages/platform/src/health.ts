import { HealthImplementation } from "grpc-health-check";
import type { Logger } from "./logger";
import { metrics } from "./telemetry/metrics";

export type Dependency = "mongo" | "nats" | (string & {});

/**
 * A health name that answers SERVING while the process can answer at all: the liveness probe
 * asks for it, so an outage of a dependency makes a pod unready, not restarted.
 */
export const LIVENESS_SERVICE = "liveness";

/**
 * Readiness from the real dependencies: the process reports SERVING only while every one of
 * them is up, and falls back to NOT_SERVING as soon as one goes away.
 */
export class Readiness {
  readonly health = new HealthImplementation({ "": "NOT_SERVING" });
  private readonly state = new Map<Dependency, boolean>();
  private readonly serviceNames = new Set<string>([""]);
  private draining = false;
  private started = false;

  constructor(
    dependencies: Dependency[],
    private readonly logger: Logger,
  ) {
    for (const d of dependencies) {
      this.state.set(d, false);
      metrics.dependencyUp.set({ dependency: d }, 0);
    }
    metrics.ready.set(0);
    this.health.setStatus(LIVENESS_SERVICE, "SERVING");
  }

  /** Services whose per-name health status follows the process's readiness. */
  addService(name: string): void {
    this.serviceNames.add(name);
    this.publish();
  }

  set(dependency: Dependency, up: boolean): void {
    if (this.state.get(dependency) === up) return;
    this.state.set(dependency, up);
    metrics.dependencyUp.set({ dependency }, up ? 1 : 0);
    this.logger[up ? "info" : "warn"]({ dependency, up }, up ? "dependency up" : "dependency down");
    this.publish();
  }

  /** Once the handlers are registered: before that a SERVING answer would lead to UNIMPLEMENTED. */
  markStarted(): void {
    this.started = true;
    this.publish();
  }

  /** At shutdown: report NOT_SERVING so that load balancers stop sending work first. */
  drain(): void {
    this.draining = true;
    this.publish();
  }

  get ready(): boolean {
    return this.started && !this.draining && [...this.state.values()].every(Boolean);
  }

  /** Whether the dependency is up now (an unknown name is not). */
  isUp(dependency: Dependency): boolean {
    return this.state.get(dependency) === true;
  }

  dependencies(): Record<string, boolean> {
    return Object.fromEntries(this.state);
  }

  private publish(): void {
    const status = this.ready ? "SERVING" : "NOT_SERVING";
    metrics.ready.set(this.ready ? 1 : 0);
    for (const name of this.serviceNames) this.health.setStatus(name, status);
  }
}

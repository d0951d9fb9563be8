// Types of workloads.cjs, for the TypeScript that imports it (packages/testing).

export type WorkloadKind = "grpc-service" | "http-gateway";

/** A workload as its manifest (the "relata" block of its package.json) describes it. */
export interface Workload {
  /** Its name everywhere: stack component, image relata-<name>, chart key services.<name>. */
  name: string;
  kind: WorkloadKind;
  /** The npm package name (@relata/<name>). */
  packageName: string;
  /** Its workspace folder, relative to the repository root (services/<name>, gateway). */
  workspace: string;
  /** Its compiled entry point, relative to the repository root (services/<name>/dist/main.js). */
  main: string;
  /** The prefix of its variables (knowledge-base: KNOWLEDGE_BASE_GRPC_PORT, KNOWLEDGE_BASE_GRPC_ADDR). */
  prefix: string;
  /** Its database on the local stack (services only): relata_<name>. */
  database: string | undefined;
  /** Its image repository: relata-<name>. */
  image: string;
  /** Its local ports by role ({ grpc, metrics } or { http, metrics }), as the manifest sets them. */
  ports: Readonly<Record<string, number>>;
  /** Its ports inside the image and in the chart. */
  containerPorts: readonly number[];
  /** Static extra environment from the manifest. */
  env: Readonly<Record<string, string>>;
}

export interface LocalInfra {
  /** `mongodb://host:port`, without a database. */
  mongoBaseUri: string;
  natsUrl: string;
  /** OpenSearch's HTTP address, `http://host:port` (no credentials on the local stack). */
  opensearchUrl: string;
  oidcIssuer: string;
}

export const KINDS: Readonly<Record<WorkloadKind, { ports: Readonly<Record<string, string>>; serving: string; containerPorts: readonly number[] }>>;

/** deploy/env.sh's defaults of the infrastructure ports that TypeScript reads. */
export const INFRA_DEFAULT_PORTS: Readonly<{ POSTGRES_PORT: 5433; FERRETDB_PORT: 27017; NATS_PORT: 4222; NATS_MONITOR_PORT: 8222; KEYCLOAK_PORT: 8180; OPENSEARCH_PORT: 9200 }>;

/** A manifest that is wrong, or a name or port that is; the message names the file and field. */
export class ManifestError extends Error {}

/** Every workload of the repository at `root` (default: this checkout), in start order. */
export function readWorkloads(root?: string): Workload[];
export function findWorkload(workloads: readonly Workload[], name: string): Workload;
/** The variable that overrides a port role: <NAME>_GRPC_PORT, GATEWAY_PORT, GATEWAY_METRICS_PORT. */
export function portVariable(workload: Workload, role: string): string;
/**
 * A port of the local stack by deploy/env.sh's rule: `env[variable]` when set; otherwise
 * `fallback`, or 10000 + its last four digits when `env.RELATA_PORT_BLOCK` is "test".
 */
export function stackPort(env: NodeJS.ProcessEnv, variable: string, fallback: number): number;
/** Its ports on this machine: the manifest's, by the rule of stackPort. */
export function localPorts(workload: Workload, env?: NodeJS.ProcessEnv): Record<string, number>;
/** The port it serves gRPC or HTTP on, on this machine. */
export function servingPort(workload: Workload, env?: NodeJS.ProcessEnv): number;
/** FerretDB, NATS, OpenSearch and the issuer of the local stack, from FERRETDB_PORT, NATS_PORT, OPENSEARCH_PORT and KEYCLOAK_PORT. */
export function localInfra(env?: NodeJS.ProcessEnv): LocalInfra;
/** The environment it runs with on the local stack (common settings such as LOG_LEVEL aside). */
export function localEnv(
  workloads: readonly Workload[],
  name: string,
  options?: { env?: NodeJS.ProcessEnv; infra?: Partial<LocalInfra> },
): Record<string, string>;
/** Bash declarations of every workload, for `eval`. */
export function shellVars(workloads: readonly Workload[], env?: NodeJS.ProcessEnv): string;

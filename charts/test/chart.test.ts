// Rules over the manifests the chart renders, for every value set we ship. helm comes from the
// tools cache (deploy/tools.sh helm; deploy/chart-check.sh installs it).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { readWorkloads } from "../../deploy/workloads.cjs";

const ROOT = resolve(__dirname, "../..");
const CHART = join(ROOT, "charts/relata");
const HELM = process.env.HELM ?? helmFromCache();

function helmFromCache(): string {
  const home = process.env.RELATA_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? "", ".cache"), "relata");
  const cached = join(home, "bin/helm");
  return existsSync(cached) ? cached : "helm";
}

// Loose shapes: the tests read a few fields of many kinds.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string>; automountServiceAccountToken?: boolean };
type Container = { name: string; image: string; resources?: any; securityContext?: any; livenessProbe?: any; readinessProbe?: any; env?: any[] };

function render(...args: string[]): Manifest[] {
  const out = execFileSync(HELM, ["template", "relata", CHART, "--namespace", "relata", ...args], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

/** The error helm prints when the values are refused ("" when they are accepted). */
function refusal(...args: string[]): string {
  try {
    render(...args);
    return "";
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
}

const VALUE_SETS: Record<string, string[]> = {
  default: [],
  minimal: ["-f", "deploy/values/minimal.yaml"],
  production: ["-f", "deploy/values/production.yaml"],
  // A second and a third service: each is one entry in values.
  "more services": [
    "--set", "services.marketing.calledBy={gateway}",
    "--set", "services.insights.enabled=true",
    "--set", "metrics.serviceMonitor.enabled=true",
  ],
  // A service that searches: the bundled OpenSearch node comes with it.
  "with OpenSearch": ["-f", "charts/test/values-opensearch.yaml"],
  // A local store on a persistent volume per replica: that workload is a StatefulSet.
  "persistent local store": ["-f", "charts/test/values-persistent-store.yaml", "--set", "metrics.serviceMonitor.enabled=true"],
};

const WORKLOAD_KINDS = ["Deployment", "StatefulSet"];
const POD_KINDS = [...WORKLOAD_KINDS, "Job", "Pod"];

function podSpec(m: Manifest): any {
  return m.kind === "Pod" ? m.spec : m.spec.template.spec;
}
function podLabels(m: Manifest): Record<string, string> {
  return (m.kind === "Pod" ? m.metadata.labels : m.spec.template.metadata.labels) ?? {};
}
function containersOf(m: Manifest, withInit = true): Container[] {
  const spec = podSpec(m);
  return [...(withInit ? spec.initContainers ?? [] : []), ...spec.containers];
}
function selects(selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string>): boolean {
  const want = selector?.matchLabels ?? {};
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}
function named(ms: Manifest[], kind: string, name: string): Manifest {
  const m = ms.find((x) => x.kind === kind && x.metadata.name === name);
  if (!m) throw new Error(`no ${kind} ${name} among ${ms.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")}`);
  return m;
}
function envOf(ms: Manifest[], workload: string): Record<string, string> {
  return named(ms, "ConfigMap", `relata-${workload}-env`).data ?? {};
}
function relataWorkloads(ms: Manifest[]): Manifest[] {
  return ms.filter((m) => m.kind === "Deployment" && m.metadata.labels?.["app.kubernetes.io/component"] !== "keycloak");
}

describe.each(Object.entries(VALUE_SETS))("value set %s", (_name, args) => {
  const ms = render(...args);
  const pods = ms.filter((m) => POD_KINDS.includes(m.kind));

  test("renders workloads", () => {
    expect(relataWorkloads(ms).length).toBeGreaterThanOrEqual(2);
  });

  test("every container has resource limits, runs as non-root on a read-only root filesystem, with no privilege", () => {
    for (const m of pods) {
      const spec = podSpec(m);
      expect(spec.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
      for (const c of containersOf(m)) {
        const where = `${m.kind}/${m.metadata.name} container ${c.name}`;
        expect({ where, cpu: c.resources?.limits?.cpu !== undefined, memory: c.resources?.limits?.memory !== undefined }).toEqual({ where, cpu: true, memory: true });
        const sc = c.securityContext ?? {};
        expect({ where, runAsNonRoot: sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
        expect({ where, readOnlyRootFilesystem: sc.readOnlyRootFilesystem }).toEqual({ where, readOnlyRootFilesystem: true });
        expect({ where, allowPrivilegeEscalation: sc.allowPrivilegeEscalation }).toEqual({ where, allowPrivilegeEscalation: false });
        expect({ where, drop: sc.capabilities?.drop }).toEqual({ where, drop: ["ALL"] });
      }
    }
  });

  test("every long-running container has liveness and readiness probes", () => {
    for (const m of ms.filter((x) => WORKLOAD_KINDS.includes(x.kind))) {
      for (const c of containersOf(m, false)) {
        const where = `${m.kind}/${m.metadata.name} container ${c.name}`;
        expect({ where, liveness: Boolean(c.livenessProbe), readiness: Boolean(c.readinessProbe) }).toEqual({ where, liveness: true, readiness: true });
      }
    }
  });

  test("services use gRPC probes and the gateway HTTP probes", () => {
    for (const m of relataWorkloads(ms)) {
      const c = containersOf(m, false)[0]!;
      if (m.metadata.name === "relata-gateway") {
        expect(c.readinessProbe.httpGet.path).toBe("/readyz");
        expect(c.livenessProbe.httpGet.path).toBe("/healthz");
      } else {
        expect(c.readinessProbe.grpc.port).toBe(50051);
        expect(c.livenessProbe.grpc.port).toBe(50051);
      }
    }
  });

  test("no token is mounted into any pod", () => {
    for (const m of pods) expect({ pod: m.metadata.name, automount: podSpec(m).automountServiceAccountToken }).toEqual({ pod: m.metadata.name, automount: false });
    for (const m of ms.filter((x) => x.kind === "ServiceAccount")) expect({ sa: m.metadata.name, automount: m.automountServiceAccountToken }).toEqual({ sa: m.metadata.name, automount: false });
  });

  test("every workload has a PodDisruptionBudget", () => {
    const pdbs = ms.filter((m) => m.kind === "PodDisruptionBudget");
    for (const m of ms.filter((x) => WORKLOAD_KINDS.includes(x.kind))) {
      expect({ workload: m.metadata.name, pdb: pdbs.some((p) => selects(p.spec.selector, podLabels(m))) }).toEqual({ workload: m.metadata.name, pdb: true });
    }
  });

  test("a default deny, and every pod has a NetworkPolicy of its own", () => {
    const policies = ms.filter((m) => m.kind === "NetworkPolicy");
    const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0);
    expect(deny?.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(deny?.spec.ingress).toBeUndefined();
    expect(deny?.spec.egress).toBeUndefined();
    const own = policies.filter((p) => p !== deny);
    for (const m of pods) {
      const mine = own.filter((p) => selects(p.spec.podSelector, podLabels(m)));
      expect({ pod: m.metadata.name, policies: mine.length }).toEqual({ pod: m.metadata.name, policies: 1 });
      expect(mine[0]!.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    }
  });

  test("rolling updates never go below the desired replicas", () => {
    for (const m of relataWorkloads(ms)) {
      expect(m.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    }
  });

  test("replicas spread across nodes", () => {
    for (const m of relataWorkloads(ms)) {
      const keys = podSpec(m).topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey);
      expect(keys).toContain("kubernetes.io/hostname");
    }
  });

  test("no image is latest or unpinned", () => {
    for (const m of pods) {
      for (const c of containersOf(m)) {
        expect(c.image).toMatch(/^[^:@\s]+(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/);
        expect(c.image).toMatch(/[:@]/);
        expect(c.image).not.toMatch(/:latest(@|$)/);
      }
    }
  });

  test("nothing secret sits in a ConfigMap; MongoDB URIs come from Secrets", () => {
    for (const m of ms.filter((x) => x.kind === "ConfigMap")) {
      for (const [key, value] of Object.entries(m.data ?? {})) {
        expect({ key, secretLooking: /PASSWORD|SECRET|TOKEN|MONGO_URI/i.test(key) }).toEqual({ key, secretLooking: false });
        expect({ key, credentialsInUrl: /:\/\/[^/\s:@]+:[^/\s@]+@/.test(value) }).toEqual({ key, credentialsInUrl: false });
      }
    }
    for (const m of relataWorkloads(ms).filter((x) => x.metadata.name !== "relata-gateway")) {
      const mongo = containersOf(m, false)[0]!.env!.find((e: { name: string }) => e.name === "MONGO_URI");
      expect(mongo.valueFrom.secretKeyRef.name).toBeTruthy();
    }
  });

  test("helm test checks health and one authenticated call", () => {
    const tests = ms.filter((m) => m.metadata.annotations?.["helm.sh/hook"] === "test");
    const health = tests.find((m) => m.metadata.name.endsWith("test-health"));
    const api = tests.find((m) => m.metadata.name.endsWith("test-api"));
    expect(health).toBeDefined();
    expect(api).toBeDefined();
    const env = Object.fromEntries(containersOf(api!)[0]!.env!.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]));
    expect(env.TOKEN_URL).toMatch(/\/realms\/relata\/protocol\/openid-connect\/token$/);
    expect(env.CLIENT_SECRET).toHaveProperty("secretKeyRef");
    const script = named(ms, "ConfigMap", "relata-tests").data!["api.mjs"]!;
    expect(script).toContain("client_credentials");
    expect(script).toContain("/v1/leads?limit=1");
  });
});

describe("network paths", () => {
  const ms = render(...VALUE_SETS["more services"]!);
  const policy = (name: string) => named(ms, "NetworkPolicy", name).spec;
  const components = (rule: { from?: any[]; to?: any[] }) =>
    (rule.from ?? rule.to ?? []).flatMap((p: any) => p.podSelector?.matchExpressions?.find((e: any) => e.key === "app.kubernetes.io/component")?.values ?? []);

  test("the gateway is reachable from anywhere on its HTTP port only; its metrics port only by scrapers", () => {
    const [api, ...others] = policy("relata-gateway").ingress;
    expect(api).toEqual({ ports: [{ port: 8080, protocol: "TCP" }] });
    expect(others.map((r: any) => r.ports)).toEqual([[{ port: 9464, protocol: "TCP" }]]);
  });

  test("a service accepts gRPC only from its calledBy workloads", () => {
    // The Service asks Sales about an account or contact its copy has not heard of yet.
    expect(policy("relata-sales").ingress.filter((r: any) => r.ports[0].port === 50051).map(components)).toEqual([["gateway", "service", "integrations"]]);
    expect(policy("relata-marketing").ingress.filter((r: any) => r.ports[0].port === 50051).map(components)).toEqual([["gateway"]]);
    expect(policy("relata-service").ingress.filter((r: any) => r.ports[0].port === 50051).map(components)).toEqual([["gateway"]]);
    // Sales reads Reporting's quotas for its forecast.
    expect(policy("relata-reporting").ingress.filter((r: any) => r.ports[0].port === 50051).map(components)).toEqual([["gateway", "sales"]]);
    // insights is called by nobody: no gRPC ingress at all.
    expect(policy("relata-insights").ingress.filter((r: any) => r.ports[0].port === 50051)).toEqual([]);
  });

  test("callers get an address and an egress path for exactly the services they call", () => {
    const env = envOf(ms, "gateway");
    expect(env.SALES_GRPC_ADDR).toBe("relata-sales:50051");
    expect(env.MARKETING_GRPC_ADDR).toBe("relata-marketing:50051");
    expect(env.INSIGHTS_GRPC_ADDR).toBeUndefined();
    const grpcEgress = policy("relata-gateway").egress.filter((r: any) => r.ports[0].port === 50051).flatMap(components);
    expect(grpcEgress.sort()).toEqual(["integrations", "knowledge", "marketing", "reporting", "sales", "service"]);
    // Sales calls Reporting (the forecast's quotas) and nothing else.
    expect(envOf(ms, "sales").REPORTING_GRPC_ADDR).toBe("relata-reporting:50051");
    expect(envOf(ms, "sales").MARKETING_GRPC_ADDR).toBeUndefined();
    expect(policy("relata-sales").egress.filter((r: any) => r.ports[0].port === 50051).flatMap(components)).toEqual(["reporting"]);
  });

  test("only Integrations reaches outside the cluster (webhooks), to public addresses on 443 and 80", () => {
    const internet = (name: string) => policy(name).egress.filter((r: any) => (r.to ?? []).some((peer: any) => peer.ipBlock?.cidr === "0.0.0.0/0"));
    const rules = internet("relata-integrations");
    expect(rules.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([[443, 80]]);
    expect(rules[0].to[0].ipBlock.except).toEqual(expect.arrayContaining(["10.0.0.0/8", "169.254.0.0/16", "127.0.0.0/8"]));
    for (const other of ["relata-gateway", "relata-sales", "relata-service", "relata-knowledge", "relata-marketing", "relata-reporting"]) expect(internet(other)).toEqual([]);
  });

  test("only the services reach the bundled MongoDB and NATS; only the gateway and tests reach Keycloak", () => {
    expect(components(policy("relata-mongodb").ingress[0]).sort()).toEqual(["insights", "integrations", "knowledge", "marketing", "mongodb-users", "reporting", "sales", "service"]);
    expect(components(policy("relata-nats").ingress[0]).sort()).toEqual(["insights", "integrations", "knowledge", "marketing", "reporting", "sales", "service"]);
    expect(components(policy("relata-keycloak").ingress[0]).sort()).toEqual(["gateway", "tests"]);
    for (const dep of ["relata-mongodb", "relata-nats", "relata-keycloak"]) expect(policy(dep).egress).toEqual([]);
  });

  test("a service's egress: DNS, NATS and MongoDB, nothing else", () => {
    const egress = policy("relata-insights").egress;
    expect(egress.map((r: any) => r.ports[0].port)).toEqual([53, 4222, 27017]);
  });

  test("each service has its own database, user and Secret on the bundled MongoDB", () => {
    for (const svc of ["sales", "service", "marketing", "reporting"]) {
      const secret = named(ms, "Secret", `relata-${svc}-mongodb`).stringData!;
      expect(secret.database).toBe(svc);
      expect(secret.uri).toMatch(new RegExp(`^mongodb://${svc}:[A-Za-z0-9]+@relata-mongodb:27017/${svc}\\?authSource=${svc}$`));
    }
    const job = ms.find((m) => m.kind === "Job" && m.metadata.name.startsWith("relata-mongodb-users-"))!;
    const users = JSON.parse(containersOf(job)[0]!.env!.find((e: any) => e.name === "RELATA_USERS").value);
    expect(users.map((u: { user: string }) => u.user).sort()).toEqual(["insights", "integrations", "knowledge", "marketing", "reporting", "sales", "service"]);
  });

  test("a ServiceMonitor per workload when asked, and the metrics port is opened for it", () => {
    const monitors = ms.filter((m) => m.kind === "ServiceMonitor").map((m) => m.metadata.name).sort();
    expect(monitors).toEqual(["relata-gateway", "relata-insights", "relata-integrations", "relata-knowledge", "relata-marketing", "relata-reporting", "relata-sales", "relata-service"]);
    expect(policy("relata-sales").ingress.some((r: any) => r.ports[0].port === 9464)).toBe(true);
  });
});

describe("configuration", () => {
  test("external dependencies: URIs, URLs and issuer from values and Secrets", () => {
    const ms = render(...VALUE_SETS.minimal!);
    expect(ms.some((m) => ["relata-mongodb", "relata-nats", "relata-keycloak"].includes(m.metadata.name))).toBe(false);
    expect(envOf(ms, "gateway").OIDC_ISSUER).toBe("https://sso.example.com/realms/relata");
    expect(envOf(ms, "gateway").OIDC_AUDIENCE).toBe("relata-api");
    expect(envOf(ms, "sales").NATS_URL).toBe("nats://nats.messaging.svc.cluster.local:4222");
    const sales = containersOf(named(ms, "Deployment", "relata-sales"), false)[0]!;
    expect(sales.env!.find((e: any) => e.name === "MONGO_URI").valueFrom.secretKeyRef).toEqual({ name: "relata-sales-mongo", key: "uri" });
  });

  test("an inline external URI goes into a chart-made Secret", () => {
    const ms = render(
      "--set",
      "mongodb.enabled=false",
      "--set",
      "services.sales.mongodb.uri=mongodb://u:p@db.example.com:27017/sales",
      "--set",
      "services.reporting.mongodb.uri=mongodb://u:p@db.example.com:27017/reporting",
      "--set",
      "services.service.mongodb.uri=mongodb://u:p@db.example.com:27017/service",
      "--set",
      "services.knowledge.mongodb.uri=mongodb://u:p@db.example.com:27017/knowledge",
      "--set",
      "services.marketing.mongodb.uri=mongodb://u:p@db.example.com:27017/marketing",
      "--set",
      "services.integrations.mongodb.uri=mongodb://u:p@db.example.com:27017/integrations",
    );
    expect(named(ms, "Secret", "relata-sales-mongodb").stringData).toEqual({ uri: "mongodb://u:p@db.example.com:27017/sales" });
  });

  test("a service's own secrets: generated into a Secret of its own, or read from an existing Secret", () => {
    const ms = render();
    const secret = named(ms, "Secret", "relata-marketing-secrets").stringData!;
    expect(Object.keys(secret)).toEqual(["UNSUBSCRIBE_SECRET"]);
    expect(secret.UNSUBSCRIBE_SECRET).toMatch(/^[A-Za-z0-9]{48}$/);
    const env = containersOf(named(ms, "Deployment", "relata-marketing"), false)[0]!.env!;
    expect(env.find((e: any) => e.name === "UNSUBSCRIBE_SECRET").valueFrom.secretKeyRef).toEqual({ name: "relata-marketing-secrets", key: "UNSUBSCRIBE_SECRET" });
    expect(containersOf(named(ms, "Deployment", "relata-sales"), false)[0]!.env!.some((e: any) => e.name === "UNSUBSCRIBE_SECRET")).toBe(false);

    const own = render("--set", "services.marketing.secrets.existingSecret=relata-marketing-links");
    expect(own.some((m) => m.metadata.name === "relata-marketing-secrets")).toBe(false);
    const ownEnv = containersOf(named(own, "Deployment", "relata-marketing"), false)[0]!.env!;
    expect(ownEnv.find((e: any) => e.name === "UNSUBSCRIBE_SECRET").valueFrom.secretKeyRef).toEqual({ name: "relata-marketing-links", key: "UNSUBSCRIBE_SECRET" });
  });

  test("a local store: an emptyDir of each pod, mounted where its variables point, for the workloads that ask only", () => {
    const ms = render("--set", "services.insights.enabled=true", "--set", "services.insights.localStore.mountPath=/data/", "--set", "services.insights.localStore.sizeLimit=512Mi", "--set", "services.insights.localStore.files.REPORT_DB_PATH=report.duckdb", "--set", "services.insights.localStore.files.CUBE_DB_PATH=cube.duckdb");
    const store = (workload: string) => {
      const spec = podSpec(named(ms, "Deployment", `relata-${workload}`));
      const c = spec.containers[0] as Container & { volumeMounts: { name: string; mountPath: string }[] };
      const volume = spec.volumes.find((v: any) => v.name === "local-store");
      const mount = c.volumeMounts.find((v) => v.name === "local-store");
      const paths = Object.fromEntries((c.env ?? []).filter((e: any) => /_DB_PATH$/.test(e.name)).map((e: any) => [e.name, e.value]));
      return { emptyDir: volume?.emptyDir, mountPath: mount?.mountPath, paths };
    };
    expect(store("marketing")).toEqual({ emptyDir: { sizeLimit: "2Gi" }, mountPath: "/var/lib/relata", paths: { AUDIENCE_DB_PATH: "/var/lib/relata/audience.duckdb" } });
    expect(store("insights")).toEqual({ emptyDir: { sizeLimit: "512Mi" }, mountPath: "/data/", paths: { CUBE_DB_PATH: "/data/cube.duckdb", REPORT_DB_PATH: "/data/report.duckdb" } });
    expect(store("sales")).toEqual({ emptyDir: undefined, mountPath: undefined, paths: {} });
    expect(refusal("--set", "services.marketing.localStore.files.AUDIENCE_DB_PATH=../escape")).toMatch(/localStore/);
  });

  describe("a persistent local store", () => {
    const ephemeral = render();
    const persistent = render(...VALUE_SETS["persistent local store"]!);
    const sts = named(persistent, "StatefulSet", "relata-marketing");

    test("makes the workload a StatefulSet with a claim per replica mounted where its variables point, on the workload's own Service", () => {
      expect(persistent.some((m) => m.kind === "Deployment" && m.metadata.name === "relata-marketing")).toBe(false);
      expect(sts.spec.volumeClaimTemplates).toEqual([
        {
          metadata: { name: "local-store", labels: sts.spec.selector.matchLabels },
          spec: { accessModes: ["ReadWriteOnce"], storageClassName: "fast-ssd", resources: { requests: { storage: "20Gi" } } },
        },
      ]);
      const c = containersOf(sts, false)[0] as Container & { volumeMounts: { name: string; mountPath: string }[] };
      expect(c.volumeMounts.find((v) => v.name === "local-store")?.mountPath).toBe("/var/lib/relata");
      expect(c.env!.find((e: any) => e.name === "AUDIENCE_DB_PATH").value).toBe("/var/lib/relata/audience.duckdb");
      // The claim is the volume: no emptyDir of the same name beside it.
      expect(podSpec(sts).volumes.some((v: any) => v.name === "local-store")).toBe(false);
      expect(named(persistent, "Service", sts.spec.serviceName).spec.selector).toEqual(sts.spec.selector.matchLabels);
      expect(sts.spec).toMatchObject({ podManagementPolicy: "Parallel", updateStrategy: { type: "RollingUpdate" }, persistentVolumeClaimRetentionPolicy: { whenScaled: "Delete", whenDeleted: "Retain" } });
      expect(sts.spec.strategy).toBeUndefined();
      expect(named(persistent, "HorizontalPodAutoscaler", "relata-marketing").spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "StatefulSet", name: "relata-marketing" });
      // The other workloads stay Deployments.
      expect(named(persistent, "Deployment", "relata-sales").spec.strategy.type).toBe("RollingUpdate");
    });

    test("keeps everything else of the Deployment: labels, selector, replicas, pod template, container", () => {
      const deployment = named(ephemeral, "Deployment", "relata-marketing");
      expect(sts.metadata).toEqual(deployment.metadata);
      expect(sts.spec.selector).toEqual(deployment.spec.selector);
      expect(sts.spec.template.metadata).toEqual(deployment.spec.template.metadata);
      // Only the store's volume and the revision label the spread counts by differ.
      const comparable = (m: Manifest) => {
        const spec = structuredClone(podSpec(m));
        spec.volumes = spec.volumes.filter((v: any) => v.name !== "local-store");
        for (const t of spec.topologySpreadConstraints) delete t.matchLabelKeys;
        return spec;
      };
      expect(comparable(sts)).toEqual(comparable(deployment));
      expect(podSpec(sts).topologySpreadConstraints[0].matchLabelKeys).toEqual(["controller-revision-hash"]);
      // The autoscaler sets the replicas; without it both kinds have the configured count.
      const fixed = render("--set", "services.marketing.localStore.persistent.size=1Gi", "--set", "services.marketing.replicaCount=3");
      expect(named(fixed, "StatefulSet", "relata-marketing").spec.replicas).toBe(3);
      expect(sts.spec.replicas).toBeUndefined();
    });

    test("a workload whose store is only persistent needs no sizeLimit; the cluster's default class when none is named; a store with neither is refused", () => {
      const store = ["--set", "services.insights.enabled=true", "--set", "services.insights.localStore.mountPath=/data", "--set", "services.insights.localStore.files.REPORT_DB_PATH=report.duckdb"];
      const ms = render(...store, "--set", "services.insights.localStore.persistent.size=50Gi", "--set", "services.insights.localStore.persistent.storageClassName=");
      const claim = named(ms, "StatefulSet", "relata-insights").spec.volumeClaimTemplates[0].spec;
      expect(claim).toEqual({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } });
      expect(refusal(...store)).toMatch(/services\/insights\/localStore/);
      expect(refusal(...store, "--set", "services.insights.localStore.persistent.size=lots")).toMatch(/localStore\/persistent\/size': 'lots' does not match/);
      expect(refusal("--set", "services.marketing.localStore.persistent.sise=1Gi")).toMatch(/localStore\/persistent': .*(required|additional properties)/);
    });
  });

  test("NATS credentials from an existing Secret", () => {
    const ms = render(...VALUE_SETS.production!);
    const env = containersOf(named(ms, "Deployment", "relata-sales"), false)[0]!.env!;
    expect(env.find((e: any) => e.name === "NATS_URL").valueFrom.secretKeyRef).toEqual({ name: "relata-nats", key: "url" });
    expect(env.find((e: any) => e.name === "NATS_CREDS_FILE").value).toBe("/var/run/secrets/relata/nats/creds");
    expect(envOf(ms, "sales").NATS_URL).toBeUndefined();
  });

  test("production: autoscaled replicas over nodes and zones, the API behind TLS", () => {
    const ms = render(...VALUE_SETS.production!);
    for (const name of ["relata-gateway", "relata-sales"]) {
      expect(named(ms, "HorizontalPodAutoscaler", name).spec.minReplicas).toBeGreaterThanOrEqual(3);
      expect(named(ms, "Deployment", name).spec.replicas).toBeUndefined();
    }
    const ingress = named(ms, "Ingress", "relata-gateway").spec;
    expect(ingress.tls).toEqual([{ hosts: ["api.relata.example.com"], secretName: "relata-api-tls" }]);
    expect(ingress.rules[0].http.paths[0].backend.service).toEqual({ name: "relata-gateway", port: { name: "http" } });
    expect(envOf(ms, "gateway").PUBLIC_URL).toBe("https://api.relata.example.com");
  });

  test("an image by digest", () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const ms = render("--set", `services.sales.image.digest=${digest}`, "--set", "services.sales.image.tag=");
    expect(containersOf(named(ms, "Deployment", "relata-sales"))[0]!.image).toBe(`ghcr.io/relata/relata-sales:0.1.0@${digest}`);
  });

  test("the bundled realm matches the repository's realm (roles, audience, tenant claim)", () => {
    const ms = render();
    const realm = JSON.parse(named(ms, "ConfigMap", "relata-keycloak-realm").data!["relata-realm.json"]!);
    const file = join(ROOT, "deploy/keycloak/relata-realm.json");
    const roles = (r: any) => r.roles.realm.map((x: { name: string }) => x.name).sort();
    if (existsSync(file)) expect(roles(realm)).toEqual(roles(JSON.parse(readFileSync(file, "utf8"))));
    const api = realm.clientScopes.find((s: { name: string }) => s.name === "relata-api");
    const mapper = (type: string) => api.protocolMappers.find((m: { protocolMapper: string }) => m.protocolMapper === type)?.config;
    expect(mapper("oidc-audience-mapper")["included.custom.audience"]).toBe("relata-api");
    expect(mapper("oidc-usermodel-attribute-mapper")).toMatchObject({ "user.attribute": "tenant", "claim.name": "tenant" });
    const partner = realm.clients.find((c: { clientId: string }) => c.clientId === "relata-partner-demo");
    expect(partner).toMatchObject({ serviceAccountsEnabled: true, publicClient: false, secret: "${RELATA_CLIENT_SECRET_0}" });
    expect(partner.protocolMappers[0].config).toMatchObject({ "claim.name": "tenant", "claim.value": "demo" });
    expect(realm.clients.find((c: { clientId: string }) => c.clientId === "relata-cli").publicClient).toBe(true);
  });
});

describe("OpenSearch", () => {
  const SEARCHER = ["--set", "services.insights.connectOpensearch=true"];
  const EXTERNAL = ["--set", "opensearch.enabled=false"];
  const env = (m: Manifest) => containersOf(m, false)[0]!.env!;
  const policy = (ms: Manifest[], name: string) => named(ms, "NetworkPolicy", name).spec;
  const egressPorts = (ms: Manifest[], name: string) => policy(ms, name).egress.map((r: any) => r.ports.map((p: any) => p.port)).flat();

  // The Knowledge-Base connects by default; these cases are about the workloads they name.
  const NONE = ["--set", "services.knowledge.connectOpensearch=false"];

  test("nothing of it is rendered or required while no workload connects to it", () => {
    expect(render(...NONE).some((m) => m.metadata.name === "relata-opensearch")).toBe(false);
    expect(refusal(...NONE, ...EXTERNAL)).toBe("");
    expect(envOf(render(...NONE), "sales").OPENSEARCH_URL).toBeUndefined();
  });

  test("bundled: one node for trials, single-node discovery, security off, on a volume; reached only by the workloads that connect", () => {
    const ms = render(...SEARCHER);
    const sts = named(ms, "StatefulSet", "relata-opensearch");
    const c = containersOf(sts, false)[0]!;
    expect(c.image).toBe("docker.io/opensearchproject/opensearch:3.6.0");
    const settings = Object.fromEntries(c.env!.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    expect(settings).toMatchObject({ "discovery.type": "single-node", DISABLE_SECURITY_PLUGIN: "true", OPENSEARCH_JAVA_OPTS: "-Xms512m -Xmx512m" });
    expect(c.readinessProbe.httpGet.path).toBe("/_cluster/health?wait_for_status=yellow&timeout=1s");
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("8Gi");
    expect(c.resources.limits).toEqual({ cpu: "1", memory: "1536Mi" });

    expect(envOf(ms, "insights").OPENSEARCH_URL).toBe("http://relata-opensearch:9200");
    expect(envOf(ms, "sales").OPENSEARCH_URL).toBeUndefined();
    expect(envOf(ms, "gateway").OPENSEARCH_URL).toBeUndefined();
    expect(env(named(ms, "Deployment", "relata-insights")).some((e: any) => e.name.startsWith("OPENSEARCH_"))).toBe(false);

    const ingress = policy(ms, "relata-opensearch").ingress;
    expect(ingress).toHaveLength(1);
    expect(ingress[0].ports).toEqual([{ port: 9200, protocol: "TCP" }]);
    expect(ingress[0].from[0].podSelector.matchExpressions.find((e: any) => e.key === "app.kubernetes.io/component").values).toEqual(["insights", "knowledge"]);
    expect(policy(ms, "relata-opensearch").egress).toEqual([]);
    const toOpensearch = policy(ms, "relata-insights").egress.find((r: any) => r.ports[0].port === 9200);
    expect(toOpensearch.to[0].podSelector.matchExpressions.find((e: any) => e.key === "app.kubernetes.io/component").values).toEqual(["opensearch"]);
    expect(egressPorts(ms, "relata-sales")).not.toContain(9200);
  });

  test("external by URL: no node of its own, the URL in the ConfigMap, egress to the configured ports", () => {
    const ms = render(...SEARCHER, ...EXTERNAL, "--set", "opensearch.url=https://search.example.com:9200/");
    expect(ms.some((m) => m.metadata.name === "relata-opensearch")).toBe(false);
    expect(envOf(ms, "insights").OPENSEARCH_URL).toBe("https://search.example.com:9200");
    expect(egressPorts(ms, "relata-insights")).toEqual(expect.arrayContaining([443, 9200]));
    expect(JSON.stringify(ms)).not.toContain("DISABLE_SECURITY_PLUGIN");
  });

  test("external with a Secret: credentials (and the URL when no url is set) from its keys", () => {
    const withUrl = render(...SEARCHER, ...EXTERNAL, "--set", "opensearch.url=https://search.example.com", "--set", "opensearch.existingSecret=relata-opensearch");
    const refs = (ms: Manifest[]) => Object.fromEntries(env(named(ms, "Deployment", "relata-insights")).filter((e: any) => e.name.startsWith("OPENSEARCH_")).map((e: any) => [e.name, e.valueFrom.secretKeyRef]));
    expect(refs(withUrl)).toEqual({
      OPENSEARCH_USERNAME: { name: "relata-opensearch", key: "username", optional: true },
      OPENSEARCH_PASSWORD: { name: "relata-opensearch", key: "password", optional: true },
    });
    expect(envOf(withUrl, "insights").OPENSEARCH_URL).toBe("https://search.example.com");

    // The production value set: a Secret only, egress to the namespace of the cluster.
    const secretOnly = render("-f", "deploy/values/production.yaml", "--set", "services.sales.connectOpensearch=true");
    const salesRefs = Object.fromEntries(env(named(secretOnly, "Deployment", "relata-sales")).filter((e: any) => e.name.startsWith("OPENSEARCH_")).map((e: any) => [e.name, e.valueFrom.secretKeyRef]));
    expect(salesRefs.OPENSEARCH_URL).toEqual({ name: "relata-opensearch", key: "url" });
    expect(Object.keys(salesRefs).sort()).toEqual(["OPENSEARCH_PASSWORD", "OPENSEARCH_URL", "OPENSEARCH_USERNAME"]);
    expect(envOf(secretOnly, "sales").OPENSEARCH_URL).toBeUndefined();
    const toCluster = policy(secretOnly, "relata-sales").egress.find((r: any) => r.ports[0].port === 9200);
    expect(toCluster.to).toEqual([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "opensearch" } } }]);
  });

  test.each([
    [[...SEARCHER, ...EXTERNAL], /opensearch\.enabled is false, so set opensearch\.url or opensearch\.existingSecret/],
    [["--set", "opensearch.url=https://admin:secret@search.example.com"], /opensearch\/url': 'https:\/\/admin:secret@search\.example\.com' does not match/],
    [["--set", "services.sales.connectOpensearch=yes"], /services\/sales\/connectOpensearch': got string, want boolean/],
    [["--set", "opensearch.javaHeap=1gb"], /opensearch\/javaHeap': '1gb' does not match/],
  ])("refuses %j", (args, message) => {
    expect(refusal(...args)).toMatch(message);
  });
});

describe("values the schema or the chart refuse, with a message that names them", () => {
  test.each([
    [["--set", "services.sales.replicaCont=2"], /services\/sales': additional properties 'replicaCont' not allowed/],
    [["--set", "services.sales.replicaCount=two"], /services\/sales\/replicaCount': got string, want integer/],
    [["--set", "default.autoscaling.enabled=yes"], /default\/autoscaling\/enabled': got string, want boolean/],
    [["--set", "ingres.enabled=true"], /additional properties 'ingres' not allowed/],
    [["--set", "services.sales.image.tag=latest"], /services\/sales\/image\/tag': 'latest' does not match/],
    [["--set", "image.tag=latest"], /\/image\/tag': 'latest' does not match/],
    [["--set", "services.Sales.enabled=true"], /services': additional properties 'Sales' not allowed/],
    [["--set", "services.sales.calledBy={gatewy}"], /services\.sales\.calledBy: "gatewy" is not a workload/],
    [["--set", "mongodb.enabled=false"], /services\.integrations\.mongodb: mongodb\.enabled is false/],
    [["--set", "keycloak.enabled=false"], /keycloak\.issuer/],
    [["--set", "nats.enabled=false"], /nats\.url or nats\.existingSecret/],
    [["--set", "default.autoscaling.enabled=true", "--set", "default.autoscaling.minReplicas=5", "--set", "default.autoscaling.maxReplicas=2"], /autoscaling: minReplicas \(5\) is above maxReplicas \(2\)/],
  ])("%j", (args, message) => {
    expect(refusal(...args)).toMatch(message);
  });

  test("the gateway and every service accept every setting of default:", () => {
    const schema = JSON.parse(readFileSync(join(CHART, "values.schema.json"), "utf8"));
    const props = (def: string) => Object.keys(schema.$defs[def].properties).sort();
    const common = props("defaultWorkload");
    expect(props("gateway").filter((p) => common.includes(p))).toEqual(common);
    expect(props("service").filter((p) => common.includes(p))).toEqual(common);
  });

  test("the value sets we ship are accepted", () => {
    for (const args of Object.values(VALUE_SETS)) expect(refusal(...args)).toBe("");
  });
});

describe("the chart and the workloads' manifests (deploy/workloads.cjs)", () => {
  const workloads = readWorkloads();

  test("every service has its one entry under services:, and every entry is a service", () => {
    const values = parse(readFileSync(join(CHART, "values.yaml"), "utf8")) as { services: Record<string, unknown> };
    const services = workloads.filter((w) => w.kind === "grpc-service").map((w) => w.name);
    expect(Object.keys(values.services).sort()).toEqual(services.sort());
    // The chart has one gateway, under gateway:.
    expect(workloads.filter((w) => w.kind === "http-gateway").map((w) => w.name)).toEqual(["gateway"]);
  });

  test("each workload runs the image deploy/images.sh builds, on the ports that image exposes", () => {
    const ms = render();
    for (const w of workloads) {
      // Reporting keeps its store on a volume per replica: a StatefulSet.
      const kind = w.name === "reporting" ? "StatefulSet" : "Deployment";
      const c = containersOf(named(ms, kind, `relata-${w.name}`), false)[0] as Container & { ports: { containerPort: number }[] };
      expect({ workload: w.name, image: c.image.replace(/:[^:/]+$/, ""), ports: c.ports.map((p) => p.containerPort) }).toEqual({ workload: w.name, image: `ghcr.io/relata/${w.image}`, ports: w.containerPorts });
    }
  });
});

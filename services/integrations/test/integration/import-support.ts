import type { Role } from "@relata/platform";
import { ContactChanged } from "@relata/proto/events/v1/sales";
import { JobState, type ImportJob } from "@relata/proto/integrations/v1/import";
import { salesServices } from "@relata/sales/client";
import { clientsAt, connectBus, eventually, identity, localStack, runId, startWorkloadProcess, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import { randomUUID } from "node:crypto";
import { integrationsServices } from "../../src/client";

export { connectBus, eventually, failureOf, runId } from "@relata/testing";

/** A tenant id no other test uses. */
export const testTenant = (label = "imp") => `${label}-${randomUUID().slice(0, 12)}`;

/** Call options of a person of `tenantId` with `roles`, as the gateway forwards them. */
export const as = (tenantId: string, roles: Role[] = ["tenant-admin"], subject = `${tenantId}-user`) => ({ identity: identity(tenantId, subject, roles) });

export type IntegrationsClients = ClosableClients<typeof integrationsServices>;
export type SalesClients = ClosableClients<typeof salesServices>;

export const integrationsClientsAt = (address: string) => clientsAt(integrationsServices, address, 30_000);
export const salesClientsAt = (address: string) => clientsAt(salesServices, address, 30_000);

const infra = { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl };

/** The built Sales service as a child process, with a database and timeline durable of its own. */
export function startSales(port: number, database = `relata_sales_imptest_${runId()}`): Promise<WorkloadProcess> {
  return startWorkloadProcess("sales", { port, database, infra, env: { TIMELINE_DURABLE: `sales-timeline-imptest-${runId()}`, SHUTDOWN_GRACE_MS: "3000" } });
}

export interface IntegrationsOptions {
  port: number;
  database: string;
  sales: string;
  /** The import runner's durable: one per test file, so no other Integrations process takes its jobs. */
  durable: string;
  env?: Record<string, string>;
}

/** The built Integrations service as a child process calling `sales`, its import runner on its own durable with a short ack wait. */
export function startIntegrations(options: IntegrationsOptions): Promise<WorkloadProcess> {
  return startWorkloadProcess("integrations", {
    port: options.port,
    database: options.database,
    infra,
    addresses: { sales: options.sales },
    env: { IMPORT_DURABLE: options.durable, IMPORT_ACK_WAIT_MS: "4000", SHUTDOWN_GRACE_MS: "3000", ...options.env },
  });
}

const PART = 512 * 1024;

/** Uploads a CSV in parts as the gateway does, each at the offset where the upload ends. */
export async function upload(clients: IntegrationsClients, call: ReturnType<typeof as>, id: string, csv: string | Buffer): Promise<ImportJob> {
  const bytes = typeof csv === "string" ? Buffer.from(csv) : csv;
  let job: ImportJob | undefined;
  for (let offset = 0; offset < bytes.length; offset += PART) {
    job = await clients.imports.appendImportData({ id, offset: String(offset), data: bytes.subarray(offset, offset + PART) }, call);
  }
  return job!;
}

const FINAL = [JobState.JOB_STATE_COMPLETED, JobState.JOB_STATE_FAILED, JobState.JOB_STATE_ABORTED];

/** Waits until the job ends (completed, failed or aborted). */
export function jobEnded(clients: IntegrationsClients, call: ReturnType<typeof as>, id: string, timeoutMs = 60_000): Promise<ImportJob> {
  return eventually(
    () => clients.imports.getImportJob({ id }, call),
    (job) => FINAL.includes(job.state),
    `import job ${id} to end`,
    timeoutMs,
  );
}

/** The job's results file as the service streams it: [line, field, reason]. */
export async function resultsOf(clients: IntegrationsClients, call: ReturnType<typeof as>, id: string): Promise<[number, string, string][]> {
  const out: [number, string, string][] = [];
  for await (const chunk of clients.imports.getImportResults({ id }, call)) for (const f of chunk.failures) out.push([Number(f.line), f.field, f.reason]);
  return out;
}

/**
 * The contact-created events of `tenantId` on SALES from `fromSeq` on, by contact id (how many
 * times each was published), read through one ordered consumer.
 */
export async function contactCreatedEvents(tenantId: string, fromSeq: number): Promise<Map<string, number>> {
  const bus = await connectBus(`imports-events-${runId()}`);
  try {
    const last = (await bus.jsm.streams.info("SALES")).state.last_seq;
    const counts = new Map<string, number>();
    if (last < fromSeq) return counts;
    const consumer = await bus.js.consumers.get("SALES", { filter_subjects: ["sales.contact.created"], opt_start_seq: fromSeq });
    for (;;) {
      const batch = await consumer.fetch({ max_messages: 1000, expires: 2000 });
      let seen = 0;
      let lastSeq = 0;
      for await (const m of batch) {
        seen++;
        lastSeq = m.seq;
        if (m.headers?.get("relata-tenant") !== tenantId) continue;
        const meta = ContactChanged.decode(m.data).meta!;
        counts.set(meta.entityId, (counts.get(meta.entityId) ?? 0) + 1);
      }
      if (seen === 0 || lastSeq >= last) break;
    }
    return counts;
  } finally {
    await bus.close();
  }
}

/** The stream's next sequence, to read only what came after. */
export async function nextSalesSeq(): Promise<number> {
  const bus = await connectBus(`imports-seq-${runId()}`);
  try {
    return (await bus.jsm.streams.info("SALES")).state.last_seq + 1;
  } catch {
    return 1;
  } finally {
    await bus.close();
  }
}

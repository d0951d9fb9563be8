import type { Role } from "@relata/platform";
import * as kit from "@relata/testing";
import { clientsAt, localStack, startWorkloadProcess, type ClosableClients, type WorkloadProcess } from "@relata/testing";
import { salesServices } from "@relata/sales/client";
import { integrationsServices } from "../../src/client";

// Export jobs against real processes: Sales (records, its bulk export) and Integrations, on the
// stack's FerretDB and NATS, each with a fresh database.
export { connectBus, eventually, failureOf, nextSequence, readStreamMessages, runId } from "@relata/testing";

export const as = (tenantId: string, roles: Role[] = ["sales-manager"], subject = `${tenantId}-manager`) => ({ identity: kit.identity(tenantId, subject, roles) });

export type IntegrationsTestClients = ClosableClients<typeof integrationsServices>;
export type SalesTestClients = ClosableClients<typeof salesServices>;

export const integrationsClientsAt = (address: string): IntegrationsTestClients => clientsAt(integrationsServices, address);
export const salesClientsAt = (address: string): SalesTestClients => clientsAt(salesServices, address);

export function startSales(port: number): Promise<WorkloadProcess> {
  return startWorkloadProcess("sales", { port, infra: { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl }, env: { SHUTDOWN_GRACE_MS: "3000" } });
}

/** Integrations reading Sales at `salesAddress` (which need not be up yet); a fresh database unless `database` names one. */
export function startIntegrations(port: number, salesAddress: string, env: Record<string, string> = {}, database?: string): Promise<WorkloadProcess> {
  return startWorkloadProcess("integrations", {
    port,
    ...(database ? { database } : {}),
    addresses: { sales: salesAddress },
    infra: { mongoBaseUri: localStack.ferretdbUri, natsUrl: localStack.natsUrl },
    env: { SHUTDOWN_GRACE_MS: "3000", ...env },
  });
}

/** The whole file of a job, as the download streams it. */
export async function download(clients: IntegrationsTestClients, id: string, call: ReturnType<typeof as>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of clients.exports.downloadExport({ id }, call)) parts.push(Buffer.from(chunk.data));
  return Buffer.concat(parts).toString("utf8");
}

/** RFC 4180 records of a CSV (quoted fields with commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      (row = []), (field = ""), i++;
    } else field += c;
  }
  if (field !== "" || row.length) rows.push([...row, field]);
  return rows;
}

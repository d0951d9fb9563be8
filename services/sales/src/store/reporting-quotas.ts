import type { CallContext, PromiseClient } from "@relata/platform";
import type { QuotaServiceService } from "@relata/proto/reporting/v1/quota";
import type { QuotaReader, QuotaRow } from "../workflows/forecast";

/** At most this many quotas of one period are read (200 a page). */
const MAX_PAGES = 50;

/**
 * Reporting's quotas over gRPC (QuotaService.ListQuotas, the caller's identity so its tenant
 * and roles), every page of one period within one short deadline: past it, or on any failure,
 * the forecast goes without quotas (`quotasAvailable: false`) rather than failing.
 */
export class ReportingQuotas implements QuotaReader {
  constructor(
    private readonly client: PromiseClient<typeof QuotaServiceService>,
    private readonly timeoutMs: number,
  ) {}

  async list(ctx: CallContext, period: string): Promise<QuotaRow[] | undefined> {
    const deadline = new Date(Math.min(Date.now() + this.timeoutMs, ctx.deadline?.getTime() ?? Infinity));
    const rows: QuotaRow[] = [];
    let cursor = "";
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.client.listQuotas(
        { period, ownerId: "", territory: "", page: { pageSize: 200, cursor, sort: "" } },
        { identity: ctx.identity, deadline, signal: ctx.signal },
      );
      rows.push(...res.quotas);
      cursor = res.page?.nextCursor ?? "";
      if (!cursor) break;
    }
    return rows;
  }
}

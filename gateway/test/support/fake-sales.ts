import { Server, ServerCredentials, status } from "@grpc/grpc-js";
import {
  AlreadyExists,
  AppError,
  createLogger,
  implement,
  NotFound,
  StateConflict,
  VersionConflict,
  InvalidArgument,
  type CallContext,
  type ServiceDefinition,
  type UnaryHandlers,
} from "@relata/platform";
import { AccountServiceService, type Account } from "@relata/proto/sales/v1/account";
import { LeadServiceService, LeadSource, LeadStatus, type Lead } from "@relata/proto/sales/v1/lead";
import { ForecastCategory, PipelineServiceService, StageKind } from "@relata/proto/sales/v1/pipeline";
import { HealthImplementation } from "grpc-health-check";

/**
 * An in-process Sales stand-in for the gateway's unit tests: real grpc-js server, generated
 * definitions, the platform's handler wrapper (so the identity metadata the gateway sends is
 * checked), and just enough behaviour in memory. End-to-end tests use the real service.
 */
export interface FakeSales {
  address: string;
  leads: Map<string, Lead>;
  accounts: Map<string, Account>;
  calls: { method: string; tenant: string; subject: string; roles: string[]; request: unknown; deadline?: Date }[];
  /** Makes the next calls wait this long before answering (deadline and cancellation tests). */
  delayMs: number;
  cancelled: string[];
  /** Next call fails with this (error mapping tests). */
  failNext?: AppError | { code: status; details: string };
  health: HealthImplementation;
  stop(): Promise<void>;
}

function fillMissing<D extends ServiceDefinition>(definition: D, handlers: Partial<UnaryHandlers<D>>): UnaryHandlers<D> {
  const out = { ...handlers } as Record<string, unknown>;
  for (const key of Object.keys(definition)) {
    out[key] ??= async () => {
      throw new AppError(status.UNIMPLEMENTED, `${key} is not implemented by the fake`);
    };
  }
  return out as UnaryHandlers<D>;
}

export async function startFakeSales(): Promise<FakeSales> {
  const logger = createLogger("fake-sales", "silent");
  const server = new Server();
  let seq = 0;
  const now = () => new Date().toISOString();
  const id = () => (++seq).toString(16).padStart(24, "0");
  const idempotency = new Map<string, { hash: string; id: string }>();

  const fake: FakeSales = {
    address: "",
    leads: new Map(),
    accounts: new Map(),
    calls: [],
    delayMs: 0,
    cancelled: [],
    health: new HealthImplementation({ "": "SERVING" }),
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };

  /** Records the call, applies the configured delay and failure. */
  async function enter(method: string, request: unknown, ctx: CallContext): Promise<void> {
    fake.calls.push({
      method,
      tenant: ctx.identity.tenantId,
      subject: ctx.identity.subject,
      roles: ctx.identity.roles,
      request,
      deadline: ctx.deadline,
    });
    if (fake.delayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, fake.delayMs);
        ctx.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          fake.cancelled.push(method);
          resolve();
        });
      });
    }
    if (ctx.signal.aborted) throw new AppError(status.CANCELLED, "cancelled");
    const failure = fake.failNext;
    if (failure) {
      fake.failNext = undefined;
      throw failure instanceof AppError ? failure : new AppError(failure.code, failure.details);
    }
  }

  function leadOf(tenant: string, leadId: string): Lead {
    const lead = fake.leads.get(leadId);
    if (!lead || lead.tenantId !== tenant) throw new NotFound("lead", leadId);
    return lead;
  }

  function checkVersion(current: string, expected: string, what: string, recordId: string): void {
    if (expected !== "0" && expected !== "" && expected !== current) throw new VersionConflict(what, recordId);
  }

  const leadHandlers: Partial<UnaryHandlers<typeof LeadServiceService>> = {
    async createLead(req, ctx) {
      await enter("createLead", req, ctx);
      if (!req.lastName) throw new InvalidArgument("last_name", "last_name is required");
      const { idempotencyKey, ...rest } = req;
      const hash = JSON.stringify(rest);
      const keyed = idempotencyKey ? `${ctx.identity.tenantId}:${idempotencyKey}` : "";
      if (keyed && idempotency.has(keyed)) {
        const seen = idempotency.get(keyed)!;
        if (seen.hash !== hash) throw new AlreadyExists(`idempotency_key "${idempotencyKey}" was already used for a different lead`, "idempotency_key");
        return fake.leads.get(seen.id)!;
      }
      const lead: Lead = {
        id: id(),
        tenantId: ctx.identity.tenantId,
        firstName: req.firstName,
        lastName: req.lastName,
        email: req.email,
        phone: req.phone,
        company: req.company,
        title: req.title,
        industry: req.industry,
        source: req.source === LeadSource.LEAD_SOURCE_UNSPECIFIED ? LeadSource.LEAD_SOURCE_MANUAL : req.source,
        status: LeadStatus.LEAD_STATUS_NEW,
        ownerId: req.ownerId || ctx.identity.subject,
        score: 0,
        disqualifyReason: "",
        conversion: undefined,
        campaignId: "",
        externalId: req.externalId,
        country: req.country,
        region: req.region,
        employeeCount: req.employeeCount,
        territory: req.territory,
        version: "1",
        createdAt: now(),
        updatedAt: now(),
      };
      fake.leads.set(lead.id, lead);
      if (keyed) idempotency.set(keyed, { hash, id: lead.id });
      return lead;
    },
    async getLead(req, ctx) {
      await enter("getLead", req, ctx);
      return leadOf(ctx.identity.tenantId, req.id);
    },
    async listLeads(req, ctx) {
      await enter("listLeads", req, ctx);
      let rows = [...fake.leads.values()].filter((l) => l.tenantId === ctx.identity.tenantId);
      if (req.status !== LeadStatus.LEAD_STATUS_UNSPECIFIED) rows = rows.filter((l) => l.status === req.status);
      if (req.company) rows = rows.filter((l) => l.company === req.company);
      if (req.ownerId) rows = rows.filter((l) => l.ownerId === req.ownerId);
      rows.sort((a, b) => a.id.localeCompare(b.id));
      if (req.page?.sort?.startsWith("-")) rows.reverse();
      const size = req.page?.pageSize || 50;
      const start = req.page?.cursor ? Number(Buffer.from(req.page.cursor, "base64url").toString()) : 0;
      const slice = rows.slice(start, start + size);
      const next = start + size < rows.length ? Buffer.from(String(start + size)).toString("base64url") : "";
      return { leads: slice, page: { nextCursor: next } };
    },
    async updateLead(req, ctx) {
      await enter("updateLead", req, ctx);
      const lead = leadOf(ctx.identity.tenantId, req.id);
      checkVersion(lead.version, req.expectedVersion, "lead", req.id);
      const changed: Lead = { ...lead };
      for (const key of ["firstName", "lastName", "email", "phone", "company", "title", "industry"] as const) {
        if (req[key] !== undefined) changed[key] = req[key]!;
      }
      if (req.score !== undefined) changed.score = req.score;
      changed.version = String(Number(lead.version) + 1);
      changed.updatedAt = now();
      fake.leads.set(lead.id, changed);
      return changed;
    },
    async qualifyLead(req, ctx) {
      await enter("qualifyLead", req, ctx);
      const lead = leadOf(ctx.identity.tenantId, req.id);
      checkVersion(lead.version, req.expectedVersion, "lead", req.id);
      if (lead.status === LeadStatus.LEAD_STATUS_CONVERTED) throw new StateConflict("a converted lead cannot be qualified", "status");
      const changed: Lead = {
        ...lead,
        status: req.qualified ? LeadStatus.LEAD_STATUS_QUALIFIED : LeadStatus.LEAD_STATUS_DISQUALIFIED,
        disqualifyReason: req.reason,
        version: String(Number(lead.version) + 1),
      };
      fake.leads.set(lead.id, changed);
      return changed;
    },
    async convertLead(req, ctx) {
      await enter("convertLead", req, ctx);
      const lead = leadOf(ctx.identity.tenantId, req.id);
      if (!lead.conversion) {
        const conversion = { accountId: id(), contactId: id(), opportunityId: id(), convertedAt: now() };
        fake.leads.set(lead.id, { ...lead, conversion, status: LeadStatus.LEAD_STATUS_CONVERTED, version: String(Number(lead.version) + 1) });
      }
      const converted = fake.leads.get(lead.id)!;
      return { lead: converted, ...converted.conversion! };
    },
    async getAssignmentRule(req, ctx) {
      await enter("getAssignmentRule", req, ctx);
      return { tenantId: ctx.identity.tenantId, repIds: ["rep-1"], version: "2" };
    },
  };

  const accountHandlers: Partial<UnaryHandlers<typeof AccountServiceService>> = {
    async getAccount(req, ctx) {
      await enter("getAccount", req, ctx);
      const account = fake.accounts.get(req.id);
      if (!account || account.tenantId !== ctx.identity.tenantId) throw new NotFound("account", req.id);
      return account;
    },
  };

  const pipelineHandlers: Partial<UnaryHandlers<typeof PipelineServiceService>> = {
    async getPipeline(req, ctx) {
      await enter("getPipeline", req, ctx);
      return {
        tenantId: ctx.identity.tenantId,
        version: "0",
        stages: [
          { id: "prospecting", name: "Prospecting", probability: 10, kind: StageKind.STAGE_KIND_OPEN, forecastCategory: ForecastCategory.FORECAST_CATEGORY_UNSPECIFIED },
          { id: "won", name: "Won", probability: 100, kind: StageKind.STAGE_KIND_WON, forecastCategory: ForecastCategory.FORECAST_CATEGORY_UNSPECIFIED },
          { id: "lost", name: "Lost", probability: 0, kind: StageKind.STAGE_KIND_LOST, forecastCategory: ForecastCategory.FORECAST_CATEGORY_UNSPECIFIED },
        ],
      };
    },
  };

  for (const registration of [
    implement(LeadServiceService, fillMissing(LeadServiceService, leadHandlers), logger),
    implement(AccountServiceService, fillMissing(AccountServiceService, accountHandlers), logger),
    implement(PipelineServiceService, fillMissing(PipelineServiceService, pipelineHandlers), logger),
  ]) {
    server.addService(registration.definition, registration.implementation);
  }
  fake.health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  fake.address = `127.0.0.1:${port}`;
  return fake;
}

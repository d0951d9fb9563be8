import { ConvertLeadRequest, CreateLeadRequest, LeadSource, ListLeadsRequest, UpdateLeadRequest } from "@relata/proto/sales/v1/lead";
import type { SalesClients } from "../backends";
import { IdParams, pageOf } from "../schemas/common";
import { leadSource, leadStatus } from "../schemas/enums";
import { conversionJson, LeadAssign, LeadConversionResult, LeadConvert, LeadCreate, LeadJson, leadJson, LeadListQuery, LeadQualify, LeadUpdate } from "../schemas/leads";
import { clearable, listReply, recycleBinRoutes, route, type RouteSpec } from "./define";
import { created, ok, page } from "./responses";

const LeadPage = pageOf("LeadPage", LeadJson);

export function leadRoutes(sales: SalesClients): RouteSpec[] {
  return [
    route({
      operationId: "listLeads",
      method: "get",
      path: "/v1/leads",
      operation: "leads.read",
      tag: "Leads",
      summary: "List leads",
      query: LeadListQuery,
      responses: { 200: page(LeadPage) },
      handler: async (ctx) => {
        const q = ctx.query;
        const res = await sales.leads.listLeads(
          ListLeadsRequest.fromPartial({
            page: { pageSize: q.limit ?? 0, cursor: q.cursor ?? "", sort: q.sort ?? "" },
            status: q.status ? leadStatus.toProto(q.status) : undefined,
            ownerId: q.ownerId ?? "",
            source: q.source ? leadSource.toProto(q.source) : undefined,
            company: q.company ?? "",
          }),
          ctx.call,
        );
        return listReply(ctx, res.leads.map(leadJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "createLead",
      method: "post",
      path: "/v1/leads",
      operation: "leads.create",
      tag: "Leads",
      summary: "Create a lead",
      body: LeadCreate,
      idempotencyKey: true,
      responses: { 201: created(LeadJson) },
      handler: async (ctx) => {
        const b = ctx.body;
        const source = b.source
          ? leadSource.toProto(b.source)
          : ctx.caller.kind === "client"
            ? LeadSource.LEAD_SOURCE_PARTNER
            : LeadSource.LEAD_SOURCE_MANUAL;
        const lead = await sales.leads.createLead(
          CreateLeadRequest.fromPartial({
            firstName: b.firstName ?? "",
            lastName: b.lastName,
            email: b.email ?? "",
            phone: b.phone ?? "",
            company: b.company ?? "",
            title: b.title ?? "",
            industry: b.industry ?? "",
            source,
            ownerId: b.ownerId ?? "",
            idempotencyKey: ctx.idempotencyKey,
          }),
          ctx.call,
        );
        return { status: 201, body: leadJson(lead), version: lead.version, location: `/v1/leads/${lead.id}` };
      },
    }),
    route({
      operationId: "getLead",
      method: "get",
      path: "/v1/leads/:id",
      operation: "leads.read",
      tag: "Leads",
      summary: "Read a lead",
      params: IdParams,
      responses: { 200: ok(LeadJson) },
      handler: async (ctx) => {
        const lead = await sales.leads.getLead({ id: ctx.params.id }, ctx.call);
        return { body: leadJson(lead), version: lead.version };
      },
    }),
    route({
      operationId: "updateLead",
      method: "patch",
      path: "/v1/leads/:id",
      operation: "leads.update",
      tag: "Leads",
      summary: "Change a lead",
      params: IdParams,
      body: LeadUpdate,
      ifMatch: "required",
      responses: { 200: ok(LeadJson, "The changed lead.") },
      handler: async (ctx) => {
        const b = ctx.body;
        const lead = await sales.leads.updateLead(
          UpdateLeadRequest.fromPartial({
            id: ctx.params.id,
            expectedVersion: ctx.expectedVersion,
            firstName: clearable(b.firstName),
            lastName: b.lastName,
            email: clearable(b.email),
            phone: clearable(b.phone),
            company: b.company,
            title: clearable(b.title),
            industry: clearable(b.industry),
            score: b.score,
          }),
          ctx.call,
        );
        return { body: leadJson(lead), version: lead.version };
      },
    }),
    route({
      operationId: "qualifyLead",
      method: "post",
      path: "/v1/leads/:id/qualify",
      operation: "leads.update",
      tag: "Leads",
      summary: "Qualify or disqualify a lead",
      params: IdParams,
      body: LeadQualify,
      ifMatch: "optional",
      responses: { 200: ok(LeadJson, "The lead, qualified or disqualified.") },
      handler: async (ctx) => {
        const lead = await sales.leads.qualifyLead(
          { id: ctx.params.id, expectedVersion: ctx.expectedVersion, qualified: ctx.body.qualified, reason: ctx.body.reason ?? "" },
          ctx.call,
        );
        return { body: leadJson(lead), version: lead.version };
      },
    }),
    route({
      operationId: "assignLead",
      method: "post",
      path: "/v1/leads/:id/assign",
      operation: "leads.update",
      tag: "Leads",
      summary: "Assign a lead to an owner, or to the next rep of the round robin",
      params: IdParams,
      body: LeadAssign,
      ifMatch: "optional",
      responses: { 200: ok(LeadJson, "The assigned lead.") },
      handler: async (ctx) => {
        const lead = await sales.leads.assignLead(
          { id: ctx.params.id, expectedVersion: ctx.expectedVersion, ownerId: ctx.body.ownerId ?? "" },
          ctx.call,
        );
        return { body: leadJson(lead), version: lead.version };
      },
    }),
    route({
      operationId: "convertLead",
      method: "post",
      path: "/v1/leads/:id/convert",
      operation: "leads.convert",
      tag: "Leads",
      summary: "Convert a lead into account, contact and opportunity (once; repeating returns the same result)",
      params: IdParams,
      body: LeadConvert,
      responses: { 200: { description: "What the conversion produced.", schema: LeadConversionResult } },
      handler: async (ctx) => {
        const b = ctx.body;
        const res = await sales.leads.convertLead(
          ConvertLeadRequest.fromPartial({
            id: ctx.params.id,
            opportunityName: b.opportunityName ?? "",
            amount: b.amount,
            expectedCloseDate: b.expectedCloseDate ?? "",
            existingAccountId: b.existingAccountId ?? "",
          }),
          ctx.call,
        );
        if (!res.lead) throw new Error("ConvertLead answered without the lead");
        return { body: conversionJson(res) };
      },
    }),
    ...recycleBinRoutes({
      path: "/v1/leads",
      name: "Lead",
      what: "lead",
      tag: "Leads",
      operation: "leads.delete",
      schema: LeadJson,
      toJson: leadJson,
      note: "A converted lead (or one being converted) cannot be deleted (409): it records where its account, contact and opportunity came from.",
      calls: {
        delete: (request, call) => sales.leads.deleteLead(request, call),
        restore: (request, call) => sales.leads.restoreLead(request, call),
      },
    }),
  ];
}

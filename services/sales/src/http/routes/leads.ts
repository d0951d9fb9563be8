import { ConvertLeadRequest, CreateLeadRequest, Lead, ListLeadsRequest, UpdateLeadRequest } from "@relata/proto/sales/v1/lead";
import { toJson } from "@relata/platform/resource";
import { lead } from "../../resources";
import type { SalesClients } from "../../client";
import { crudRoutes, crudSchemas, IdParams, ok, route, type RouteSpec } from "@relata/platform/http";
import { conversionResultOf, LeadAssign, LeadConvert, LeadQualify } from "../schemas/leads";

const leadJson = (l: Lead) => toJson(lead, l);

export function leadRoutes(sales: SalesClients): RouteSpec[] {
  const crud = crudRoutes(
    lead,
    {
      list: async (request, call) => {
        const res = await sales.leads.listLeads(ListLeadsRequest.fromPartial(request), call);
        return { records: res.leads, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => sales.leads.createLead(CreateLeadRequest.fromPartial(request), call),
      get: (request, call) => sales.leads.getLead(request, call),
      update: (request, call) => sales.leads.updateLead(UpdateLeadRequest.fromPartial(request), call),
      delete: (request, call) => sales.leads.deleteLead(request, call),
      restore: (request, call) => sales.leads.restoreLead(request, call),
    },
    {
      tag: "Leads",
      // A lead names where it came from: a partner client's by default "partner", a person's "manual".
      createDefaults: (body, ctx) => ({ ...body, source: body.source ?? (ctx.caller.kind === "client" ? "partner" : "manual") }),
      deleteNote: "A converted lead (or one being converted) cannot be deleted (409): it records where its account, contact and opportunity came from.",
    },
  );
  const LeadJson = crudSchemas(lead).json;
  const LeadConversionResult = conversionResultOf(LeadJson);
  return [
    ...crud,
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
        return { body: { lead: leadJson(res.lead), accountId: res.accountId, contactId: res.contactId, opportunityId: res.opportunityId } };
      },
    }),
  ];
}

import type { SalesClients } from "../../client";
import { assignmentRuleJson, LeadAssignmentRule, LeadAssignmentRuleUpdate } from "../schemas/leads";
import { ok, route, type RouteSpec } from "@relata/platform/http";

export function leadAssignmentRoutes(sales: SalesClients): RouteSpec[] {
  return [
    route({
      operationId: "getLeadAssignmentRule",
      method: "get",
      path: "/v1/lead-assignment",
      operation: "leadAssignment.read",
      tag: "Leads",
      summary: "The sales reps among whom new leads are distributed by round robin",
      responses: { 200: ok(LeadAssignmentRule, "The rule.") },
      handler: async (ctx) => {
        const rule = await sales.leads.getAssignmentRule({}, ctx.call);
        return { body: assignmentRuleJson(rule), version: rule.version };
      },
    }),
    route({
      operationId: "setLeadAssignmentRule",
      method: "put",
      path: "/v1/lead-assignment",
      operation: "leadAssignment.write",
      tag: "Leads",
      summary: "Set the round-robin reps (an empty list turns round robin off)",
      body: LeadAssignmentRuleUpdate,
      responses: { 200: ok(LeadAssignmentRule, "The new rule.") },
      handler: async (ctx) => {
        const rule = await sales.leads.setAssignmentRule({ repIds: ctx.body.repIds }, ctx.call);
        return { body: assignmentRuleJson(rule), version: rule.version };
      },
    }),
  ];
}

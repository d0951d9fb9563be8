import type { Case } from "@relata/proto/service/v1/case";
import { toJson } from "@relata/platform/resource";
import { crudSchemas, IdParams, ok, route, type RouteSpec } from "@relata/platform/http";
import type { ServiceClients } from "../../client";
import { supportCase } from "../../resources";
import { CaseAssign } from "../schemas/assignment";

const caseJson = (c: Case) => toJson(supportCase, c);

/** Taking a case from its queue and assigning it: custom verbs of the case. */
export function assignmentRoutes(service: ServiceClients): RouteSpec[] {
  const CaseJson = crudSchemas(supportCase).json;
  return [
    route({
      operationId: "takeCase",
      method: "post",
      path: "/v1/cases/:id/take",
      operation: "cases.take",
      tag: "Cases",
      summary: "Take a case from its queue",
      description: "The caller, a member of the case's queue, becomes its owner. 409 when someone else owns it; 403 when the caller is not a member of its queue.",
      params: IdParams,
      ifMatch: "optional",
      responses: { 200: ok(CaseJson, "The case, now the caller's.") },
      handler: async (ctx) => {
        const taken = await service.caseAssignment.takeCase({ id: ctx.params.id, expectedVersion: ctx.expectedVersion }, ctx.call);
        return { body: caseJson(taken), version: taken.version };
      },
    }),
    route({
      operationId: "assignCase",
      method: "post",
      path: "/v1/cases/:id/assign",
      operation: "cases.assign",
      tag: "Cases",
      summary: "Assign a case to an agent, move it to another queue, or both",
      description: "A move to another queue without an agent assigns the case by that queue's rule.",
      params: IdParams,
      body: CaseAssign,
      ifMatch: "optional",
      responses: { 200: ok(CaseJson, "The case, assigned.") },
      handler: async (ctx) => {
        const assigned = await service.caseAssignment.assignCase(
          { id: ctx.params.id, expectedVersion: ctx.expectedVersion, ownerId: ctx.body.ownerId ?? "", queueId: ctx.body.queueId ?? "" },
          ctx.call,
        );
        return { body: caseJson(assigned), version: assigned.version };
      },
    }),
  ];
}

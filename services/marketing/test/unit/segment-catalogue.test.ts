import { validate } from "@relata/platform";
import { gatewaySchemas, serviceSchemas } from "@relata/platform/resource";
import { segment } from "../../src/resources";
import { segmentSchemas } from "../../src/rpc/segments";

function fieldOf(run: () => unknown): string {
  try {
    run();
    return "ok";
  } catch (err) {
    return String((err as { field?: unknown }).field);
  }
}

describe("a segment's conditions", () => {
  const api = gatewaySchemas(segment);
  const create = (conditions: unknown[]) => api.create.safeParse({ name: "s", conditions });

  it("are checked by the API by their field's kind, naming the condition's part", () => {
    expect(create([{ field: "industry", operator: "equals", value: "Retail" }, { field: "churnRisk", operator: "equals", value: true }]).success).toBe(true);
    expect(create([{ field: "createdAt", operator: "between", value: ["2026-01-01", "2026-02-01T00:00:00Z"] }, { field: "email", operator: "exists" }]).success).toBe(true);
    expect(create([{ field: "industry", operator: "equals", value: "x" }, { field: "industry", operator: "equals", value: 3 }]).error?.issues[0]?.path).toEqual(["conditions", 1, "value"]);
    expect(create([{ field: "salary", operator: "equals", value: "x" }]).error?.issues[0]?.path).toEqual(["conditions", 0, "field"]);
    expect(create([{ field: "createdAt", operator: "contains", value: "x" }]).error?.issues[0]?.path).toEqual(["conditions", 0, "operator"]);
    expect(create([{ field: "lifecycleStage", operator: "equals", value: "prospect" }]).error?.issues[0]?.path).toEqual(["conditions", 0, "value"]);
    expect(create([{ field: "createdAt", operator: "between", value: ["2026-01-01"] }]).success).toBe(false);
  });

  it("are checked again by the service, the error naming conditions.<n>.value", () => {
    const service = serviceSchemas(segment);
    const request = (values: unknown[]) => ({ name: "s", conditions: { values } });
    expect(fieldOf(() => validate(service.create, request([{ field: "kind", operator: "in", value: ["lead"] }])))).toBe("ok");
    expect(fieldOf(() => validate(service.create, request([{ field: "kind", operator: "in", value: ["lead"] }, { field: "kind", operator: "in", value: [] }])))).toBe("conditions.1.value");
    expect(fieldOf(() => validate(service.create, request([{ field: "ownerId", operator: "greater", value: "x" }])))).toBe("conditions.0.operator");
    // A condition without a value decodes with `value: undefined`.
    expect(fieldOf(() => validate(service.create, request([{ field: "phone", operator: "exists", value: undefined }])))).toBe("ok");
  });

  it("of a preview are checked the same way, with the sample's size", () => {
    const preview = (conditions: unknown[], sampleSize = 0) => () => validate(segmentSchemas.previewSegment, { match: "SEGMENT_MATCH_ANY", conditions, sampleSize });
    expect(fieldOf(preview([{ field: "churnRisk", operator: "equals", value: "yes" }]))).toBe("conditions.0.value");
    expect(fieldOf(preview([], 51))).toBe("sample_size");
    expect(validate(segmentSchemas.previewSegment, { match: "SEGMENT_MATCH_UNSPECIFIED", conditions: [], sampleSize: 0 })).toEqual({ match: "all", conditions: [], sampleSize: 10 });
  });
});

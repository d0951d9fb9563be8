import { serviceFigures } from "../../src/domain/service-desk";

const row = (grouping_set: number, queue_key: string | null, priority_key: string | null, over: Record<string, unknown> = {}) => ({
  grouping_set: BigInt(grouping_set), queue_key, priority_key, opened: 2n, resolved: 1n, backlog: 1n, average_first_response_minutes: null,
  average_resolution_minutes: null, sla_cases: 0n, sla_breached: 0n, csat_responses: 0n, csat_average: null, ...over,
});

test("the total row, queues in order, priorities from most to least pressing", () => {
  const f = serviceFigures([
    row(3, null, null, { opened: 6n, resolved: 3n, backlog: 3n, average_first_response_minutes: 12.5, sla_cases: 4n, sla_breached: 1n, csat_responses: 2n, csat_average: 4.5 }),
    row(1, "", null),
    row(1, "q1", null),
    row(2, null, "low"),
    row(2, null, "urgent"),
    row(2, null, "normal"),
    row(2, null, ""),
    row(2, null, "high"),
  ]);
  expect(f).toMatchObject({
    opened: 6, resolved: 3, backlog: 3, averageFirstResponseMinutes: 12.5, averageResolutionMinutes: 0,
    slaCases: 4, slaMet: 3, slaBreached: 1, slaCompliance: 0.75, csatResponses: 2, csatAverage: 4.5,
  });
  expect(f.byQueue.map((g) => g.key)).toEqual(["", "q1"]);
  expect(f.byPriority.map((g) => g.key)).toEqual(["urgent", "high", "normal", "low", ""]);
});

test("no cases: zeros, never NaN", () => {
  expect(serviceFigures([row(3, null, null, { opened: 0n, resolved: 0n, backlog: 0n })])).toEqual({
    opened: 0, resolved: 0, backlog: 0, averageFirstResponseMinutes: 0, averageResolutionMinutes: 0, slaCases: 0, slaMet: 0, slaBreached: 0,
    slaCompliance: 0, csatResponses: 0, csatAverage: 0, byQueue: [], byPriority: [],
  });
  expect(serviceFigures([]).slaCompliance).toBe(0);
});

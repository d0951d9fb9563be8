// sla-bench.mjs's second part: real cases through the running Service's gRPC API, so that the
// Service's own SLA clock computes the due instants and schedules the alerts. A calendar open
// around the clock (UTC) and a policy with a one-minute first-response target, warning at
// 50 %: each case gets a warning 30 s and a breach 60 s after it opens. The alerts are read
// from the SERVICE stream (an ordered consumer from the moment the cases are opened).
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";

const require = createRequire(fileURLToPath(new URL("../../package.json", import.meta.url)));
const { clientsAt } = require("@relata/testing");
const { serviceServices } = require("@relata/service/client");
const { CreateCaseRequest, CasePriority } = require("@relata/proto/service/v1/case");
const { SlaAlert } = require("@relata/proto/events/v1/service");
const { DeliverPolicy } = require("@nats-io/jetstream");

const WEEK = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

export async function realCases(bus, { cases, run, say }) {
  const address = `127.0.0.1:${process.env.SERVICE_GRPC_PORT ?? 50052}`;
  const tenant = `slabench${run}`;
  const as = () => ({ identity: { tenantId: tenant, subject: "bench-manager", roles: ["support-manager"], requestId: randomUUID() } });
  const clients = clientsAt(serviceServices, address, 15_000);
  try {
    const calendar = await clients.businessCalendars.createBusinessCalendar(
      { name: "Around the clock", timeZone: "UTC", weeklyHours: { values: WEEK.map((day) => ({ day, opens: "00:00", closes: "24:00" })) }, holidays: { values: [] }, idempotencyKey: "" },
      as(),
    );
    await clients.slaPolicies.createSlaPolicy(
      {
        name: "Bench",
        calendarId: calendar.id,
        category: "",
        warningPercent: 50,
        targets: { values: [{ priority: "normal", slaLevel: "", firstResponseMinutes: 1, resolutionMinutes: 0 }] },
        idempotencyKey: "",
      },
      as(),
    );
    const startedAt = new Date(Date.now() - 1_000).toISOString();
    const opened = [];
    for (let i = 0; i < cases; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, cases - i) }, (_, k) =>
          clients.cases.createCase(CreateCaseRequest.fromPartial({ subject: `SLA bench ${run} ${i + k}`, priority: CasePriority.CASE_PRIORITY_NORMAL }), as()),
        ),
      );
      opened.push(...batch);
    }
    say(`opened ${opened.length} cases; their alerts are due 30 s and 60 s after each opened`);
    const due = new Map();
    for (const c of opened) {
      const at = new Date(c.createdAt).getTime();
      due.set(`${c.id}/service.sla.warning`, at + 30_000);
      due.set(`${c.id}/service.sla.breached`, at + 60_000);
    }
    const stored = new Map();
    const received = new Map();
    let duplicates = 0;
    let mismatched = 0;
    const consumer = await bus.js.consumers.get("SERVICE", {
      filter_subjects: ["service.sla.warning", "service.sla.breached"],
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: startedAt,
    });
    const messages = await consumer.consume();
    const deadline = Date.now() + 60_000 + 60_000;
    const timer = setInterval(() => {
      if (received.size >= due.size || Date.now() > deadline) void messages.close();
    }, 250);
    for await (const m of messages) {
      const alert = SlaAlert.decode(m.data);
      if (alert.meta?.tenantId !== tenant) continue;
      const key = `${alert.caseId}/${m.subject}`;
      if (received.has(key)) duplicates++;
      else {
        received.set(key, Date.now());
        stored.set(key, Math.floor(m.info.timestampNanos / 1e6));
        // The instant the event carries must be the one the clock was to compute.
        if (!alert.dueAt || new Date(alert.dueAt).getTime() !== due.get(key)) mismatched++;
      }
      if (received.size >= due.size) break;
    }
    clearInterval(timer);
    return { due, stored, received, duplicates, mismatched };
  } finally {
    clients.close();
  }
}

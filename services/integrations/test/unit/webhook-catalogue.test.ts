import { readFileSync } from "node:fs";
import { join } from "node:path";
import { EVENT_CATALOGUE, PING_TYPE, SUBSCRIBABLE_TYPES } from "../../src/events/catalogue";
import { SUBJECTS } from "../../src/events/stream";

/**
 * The subject tables of docs/events.md, read the way a person reads them: `a.b.c`, then `.d`
 * meaning `a.b.d`; `sales.<resource>.deleted` (account, contact) expanded; rows whose message is
 * in parentheses are not events (message schedules).
 */
function documentedSubjects(): Map<string, string> {
  const doc = readFileSync(join(__dirname, "../../../../docs/events.md"), "utf8");
  const out = new Map<string, string>();
  let section = "";
  for (const line of doc.split("\n")) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) section = heading[1]!;
    if (!/\(`proto\/relata\/events\/v1\/\w+\.proto`\)/.test(section) || !line.startsWith("| `")) continue;
    const [subjectsCell, messageCell] = line.slice(1).split(" | ");
    if (!subjectsCell || !messageCell) continue;
    // "the resource's `*Changed`": each listed resource's own message.
    const perResource = messageCell.includes("`*Changed`");
    const message = /^`(\w+)`/.exec(messageCell.trim())?.[1];
    if (!message && !perResource) continue;
    const tokens = [...subjectsCell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const listed = /\(([a-z_, ]+)\)/.exec(subjectsCell)?.[1]?.split(",").map((s) => s.trim());
    let previous = "";
    for (const token of tokens) {
      if (!/^[a-z_.<>]+$/.test(token) || !token.includes(".")) continue;
      const full = token.startsWith(".") ? previous.split(".").slice(0, -1).join(".") + token : token;
      previous = full;
      const expanded = full.includes("<resource>") ? (listed ?? []).map((r) => full.replace("<resource>", r)) : [full];
      for (const subject of expanded) {
        const resource = subject.split(".")[1]!;
        out.set(subject, perResource ? `${resource[0]!.toUpperCase()}${resource.slice(1)}Changed` : message!);
      }
    }
  }
  return out;
}

const INTERNAL = (subject: string) => subject.endsWith("_due");

test("the catalogue has every public subject of docs/events.md with the message the document names, and nothing else of those services", () => {
  const documented = documentedSubjects();
  expect(documented.size).toBeGreaterThan(100);
  const publicSubjects = [...documented].filter(([s]) => !INTERNAL(s));
  const catalogue = new Map(EVENT_CATALOGUE.map((e) => [e.type, e.message]));
  for (const [subject, message] of publicSubjects) expect([subject, catalogue.get(subject)]).toEqual([subject, message]);
  const documentedPrefixes = new Set(publicSubjects.map(([s]) => s.split(".")[0]));
  const undocumented = EVENT_CATALOGUE.filter((e) => documentedPrefixes.has(e.type.split(".")[0]) && !documented.has(e.type)).map((e) => e.type);
  expect(undocumented).toEqual([]);
});

test("internal subjects (the *_due timers) are not subscribable", () => {
  const documented = documentedSubjects();
  const timers = [...documented.keys()].filter(INTERNAL);
  expect(timers.length).toBeGreaterThan(0);
  for (const t of timers) expect(SUBSCRIBABLE_TYPES).not.toContain(t);
});

test("Integrations' own public subjects are in the catalogue, and the ping", () => {
  for (const subject of Object.values(SUBJECTS)) expect(SUBSCRIBABLE_TYPES).toContain(subject);
  expect(SUBSCRIBABLE_TYPES).toContain(PING_TYPE);
  expect(new Set(SUBSCRIBABLE_TYPES).size).toBe(SUBSCRIBABLE_TYPES.length);
});

test("every type's event renders as a webhook's data: the record named, the snapshot plain JSON", () => {
  for (const entry of EVENT_CATALOGUE) {
    const meta = { id: "e-1", type: entry.type, tenantId: "acme", entityId: "r-1", actorId: "u", requestId: "", occurredAt: "2026-12-01T10:00:00.000Z" };
    const { meta: read, data } = entry.data(entry.sample(meta));
    expect([entry.type, read?.id, read?.tenantId]).toEqual([entry.type, "e-1", "acme"]);
    expect(data.record).toEqual({ type: expect.stringMatching(/^[a-z]+\.[a-z_]+$/), id: "r-1" });
    expect(Object.keys(data)).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  }
});

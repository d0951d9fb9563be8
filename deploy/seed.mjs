#!/usr/bin/env node
// Loads demo data into both tenants through the public API, as their own users would.
// Idempotent: every create carries a fixed Idempotency-Key, so a second run creates nothing.
const gateway = process.env.GATEWAY_URL ?? `http://localhost:${process.env.GATEWAY_PORT ?? 8080}`;
const issuer = process.env.OIDC_ISSUER ?? `http://localhost:${process.env.KEYCLOAK_PORT ?? 8180}/realms/relata`;
const password = process.env.DEMO_PASSWORD ?? "relata-demo";

async function token(username) {
  const res = await fetch(`${issuer}/protocol/openid-connect/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "password", client_id: "relata-cli", username, password }),
  });
  if (!res.ok) throw new Error(`token for ${username}: ${res.status} ${await res.text()}`);
  const { access_token } = await res.json();
  const claims = JSON.parse(Buffer.from(access_token.split(".")[1], "base64url").toString());
  return { accessToken: access_token, subject: claims.sub };
}

async function call(auth, method, path, body, key) {
  const headers = { authorization: `Bearer ${auth.accessToken}`, "content-type": "application/json" };
  if (key) headers["idempotency-key"] = key;
  const res = await fetch(`${gateway}${path}`, { method, headers, body: body && JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

const DEMO = {
  acme: {
    accounts: [
      { name: "Northwind Traders", industry: "retail", territory: "emea" },
      { name: "Contoso Pharma", industry: "healthcare", territory: "emea" },
      { name: "Fabrikam Robotics", industry: "manufacturing", territory: "amer" },
    ],
    leads: [
      { firstName: "Ada", lastName: "Lovelace", email: "ada@analytical.example", company: "Analytical Engines" },
      { firstName: "Grace", lastName: "Hopper", email: "grace@cobol.example", company: "Compiler Works" },
      { firstName: "Alan", lastName: "Turing", email: "alan@bletchley.example", company: "Bletchley Systems" },
      { firstName: "Edsger", lastName: "Dijkstra", email: "edsger@paths.example", company: "Shortest Paths BV" },
    ],
  },
  globex: {
    accounts: [
      { name: "Initech", industry: "software", territory: "amer" },
      { name: "Umbrella Logistics", industry: "logistics", territory: "apac" },
    ],
    leads: [
      { firstName: "Barbara", lastName: "Liskov", email: "barbara@substitution.example", company: "Substitution Labs" },
      { firstName: "Ken", lastName: "Thompson", email: "ken@unix.example", company: "Pipes & Filters" },
    ],
  },
};

/** The accounts seeded per tenant, for the Service's demo cases. */
const SEEDED_ACCOUNTS = {};
/** The opportunity of each tenant's converted lead, for the demo quote. */
const SEEDED_OPPORTUNITIES = {};

for (const [tenant, data] of Object.entries(DEMO)) {
  const manager = await token(`${tenant}-sales-manager`);
  const reps = [await token(`${tenant}-sales-rep`), await token(`${tenant}-sales-rep-2`)];
  await call(manager, "PUT", "/v1/lead-assignment", { repIds: reps.map((r) => r.subject) });
  for (const [i, account] of data.accounts.entries()) {
    const made = await call(reps[i % reps.length], "POST", "/v1/accounts", account, `seed-${tenant}-account-${i}`);
    (SEEDED_ACCOUNTS[tenant] ??= []).push(made);
  }
  const leads = [];
  for (const [i, lead] of data.leads.entries()) {
    leads.push(await call(manager, "POST", "/v1/leads", { ...lead, source: "manual" }, `seed-${tenant}-lead-${i}`));
  }
  // One converted lead per tenant, so the pipeline and an account timeline have content.
  const converted = await call(manager, "POST", `/v1/leads/${leads[0].id}/convert`, {
    opportunityName: `${data.leads[0].company} platform deal`,
    amount: { amount: "48000.00", currency: "EUR" },
    expectedCloseDate: "2027-03-31",
  });
  SEEDED_OPPORTUNITIES[tenant] = { id: converted.opportunityId, accountId: converted.accountId, contactId: converted.contactId };
  console.log(`seeded ${tenant}: ${data.accounts.length} accounts, ${data.leads.length} leads (one converted)`);
}

// SLA configuration: office hours in each tenant's zone and a policy for complaints. No default
// policy: the clock would then write due instants on every new case (a new version shortly after
// the create), which the end-to-end suites, run on the seeded tenants, do not expect.
const SLA_CALENDARS = { acme: { name: "Berlin office", timeZone: "Europe/Berlin" }, globex: { name: "New York office", timeZone: "America/New_York" } };
for (const [tenant, { name, timeZone }] of Object.entries(SLA_CALENDARS)) {
  const supportManager = await token(`${tenant}-support-manager`);
  const weeklyHours = ["monday", "tuesday", "wednesday", "thursday", "friday"].map((day) => ({ day, opens: "09:00", closes: "17:00" }));
  const calendar = await call(supportManager, "POST", "/v1/business-calendars", { name, timeZone, weeklyHours, holidays: ["2026-12-25", "2027-01-01"] }, `seed-${tenant}-calendar`);
  const row = (priority, firstResponseMinutes, resolutionMinutes) => ({ priority, firstResponseMinutes, resolutionMinutes });
  const complaints = [...["low", "normal", "high", "urgent"].map((p) => row(p, 60, 960)), { ...row("urgent", 15, 240), slaLevel: "gold" }];
  await call(supportManager, "POST", "/v1/sla-policies", { name: "Complaints", calendarId: calendar.id, category: "complaint", warningPercent: 75, targets: complaints }, `seed-${tenant}-sla-complaints`);
  console.log(`seeded ${tenant}: a business calendar (${timeZone}) and an SLA policy for complaints`);
}

// Support: a queue the tenant's support agent works (round robin) and two cases in it, one of them
// a complaint (the SLA policy above applies to it).
for (const tenant of Object.keys(DEMO)) {
  const supportManager = await token(`${tenant}-support-manager`);
  const agent = await token(`${tenant}-support-agent`);
  const queue = await call(supportManager, "POST", "/v1/queues", { name: "First line", memberIds: [agent.subject], assignmentRule: "round_robin" }, `seed-${tenant}-queue`);
  const [account] = SEEDED_ACCOUNTS[tenant];
  const cases = [
    { subject: "Invoice shows the wrong VAT rate", channel: "email", priority: "normal", category: "billing" },
    { subject: "Delivery arrived damaged", channel: "phone", priority: "high", category: "complaint" },
  ];
  for (const [i, c] of cases.entries()) {
    await call(agent, "POST", "/v1/cases", { ...c, accountId: account.id, queueId: queue.id }, `seed-${tenant}-case-${i}`);
  }
  console.log(`seeded ${tenant}: a support queue and ${cases.length} cases`);
}

// Marketing: a segment of the tenant's new leads and a draft email campaign on it (launched by
// hand from the API; nothing is scored: a scoring rule would change the seeded leads' versions).
for (const tenant of Object.keys(DEMO)) {
  const marketer = await token(`${tenant}-marketer`);
  const segment = await call(marketer, "POST", "/v1/segments", {
    name: "New leads",
    match: "all",
    conditions: [
      { field: "kind", operator: "equals", value: "lead" },
      { field: "lifecycleStage", operator: "equals", value: "new" },
    ],
  }, `seed-${tenant}-segment`);
  await call(marketer, "POST", "/v1/campaigns", {
    name: "Spring product webinar",
    objective: "30 registrations",
    channels: ["email"],
    segmentIds: [segment.id],
    budget: { amount: "5000.00", currency: "EUR" },
  }, `seed-${tenant}-campaign`);
  console.log(`seeded ${tenant}: a segment of new leads and a draft campaign on it`);
}

// Sales commerce: the territories the seeded accounts name, a small catalogue with the tenant's
// default EUR price list, the seller's details for proposals, and a draft quote (not primary: the
// opportunity keeps its amount) whose PDF is GET /v1/quotes/{id}/document.
const CATALOGUE = [
  { code: "PLAT-USER", name: "Platform licence", unit: "user / year", family: "Licences", price: "480.00" },
  { code: "ONBOARD", name: "Onboarding workshop", unit: "day", family: "Services", price: "1250.00" },
];
const PROFILES = {
  acme: { companyName: "Acme Polska Sp. z o.o.", addressLines: ["ul. Marszałkowska 1", "00-001 Warszawa"], taxId: "PL5250001009", defaultTerms: "Płatność przelewem w ciągu 14 dni.", defaultLanguage: "pl" },
  globex: { companyName: "Globex Corporation", addressLines: ["1 Globex Plaza", "Springfield"], defaultTerms: "Payment within 30 days of invoice.", defaultLanguage: "en" },
};
for (const [tenant, data] of Object.entries(DEMO)) {
  const admin = await token(`${tenant}-tenant-admin`);
  const rep = await token(`${tenant}-sales-rep`);
  for (const code of new Set(data.accounts.map((a) => a.territory))) {
    await call(admin, "POST", "/v1/territories", { code, name: code.toUpperCase() }, `seed-${tenant}-territory-${code}`);
  }
  const products = [];
  for (const p of CATALOGUE) {
    products.push(await call(admin, "POST", "/v1/products", { code: p.code, name: p.name, unit: p.unit, family: p.family }, `seed-${tenant}-product-${p.code}`));
  }
  const priceList = await call(admin, "POST", "/v1/price-lists", {
    name: "Standard EUR",
    currency: "EUR",
    isDefault: true,
    entries: products.map((p, i) => ({ productId: p.id, unitPrice: CATALOGUE[i].price })),
  }, `seed-${tenant}-price-list`);
  await call(admin, "PUT", "/v1/proposal-profile", PROFILES[tenant]);
  const opportunity = SEEDED_OPPORTUNITIES[tenant];
  await call(rep, "POST", "/v1/quotes", {
    opportunityId: opportunity.id,
    contactId: opportunity.contactId,
    priceListId: priceList.id,
    validUntil: "2027-03-31",
    lines: [
      { productId: products[0].id, quantity: "50", taxRate: "23" },
      { productId: products[1].id, quantity: "2", discount: { kind: "percent", value: "10" }, taxRate: "23" },
    ],
  }, `seed-${tenant}-quote`);
  console.log(`seeded ${tenant}: territories, ${products.length} products, a default EUR price list, a proposal profile and a draft quote`);
}

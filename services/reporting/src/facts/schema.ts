/**
 * Reporting's store: typed facts kept from every service's events (docs/reporting.md). Every
 * table leads with tenant_id and every query names it first. Money is DECIMAL(19,4) (the API's
 * 15 digits and 4 decimals), never a float; instants are TIMESTAMPTZ (UTC), bucketed in the
 * request's time zone at query time. Records that change (an opportunity, a case) are kept as
 * their latest snapshot, replaced only by a higher version; what happens once (a response, a
 * view, an SLA breach) is a row per event, keyed by the event id.
 *
 * Raise STORE_VERSION whenever this DDL, the subjects read or what `applyFacts` writes change:
 * a file of another version is rebuilt from the streams.
 */
// 2: orders, competitors, and an opportunity's competitors, lost-to competitor and primary quote.
export const STORE_VERSION = 2;

export const MONEY = "DECIMAL(19,4)";

export const FACT_TABLES = [
  // Sales
  `CREATE TABLE IF NOT EXISTS accounts (
    tenant_id VARCHAR NOT NULL, account_id VARCHAR NOT NULL, name VARCHAR, industry VARCHAR, territory VARCHAR,
    owner_id VARCHAR, created_at TIMESTAMPTZ, version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, account_id))`,
  // status: 'open' | 'won' | 'lost'; closed_at: when it was won or lost (the event's instant).
  // competitor_ids: the linked competitors' ids as a JSON array of strings ('[]' for none), kept in
  // the snapshot so a newer version's list replaces the older one whole.
  `CREATE TABLE IF NOT EXISTS opportunities (
    tenant_id VARCHAR NOT NULL, opportunity_id VARCHAR NOT NULL, account_id VARCHAR, lead_id VARCHAR, name VARCHAR,
    owner_id VARCHAR, stage_id VARCHAR, probability INTEGER NOT NULL, amount ${MONEY}, currency VARCHAR,
    expected_close_date DATE, status VARCHAR NOT NULL, close_reason VARCHAR, created_at TIMESTAMPTZ, closed_at TIMESTAMPTZ,
    competitor_ids VARCHAR NOT NULL, lost_to_competitor_id VARCHAR, primary_quote_id VARCHAR, version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, opportunity_id))`,
  // An order (sales.order.*) as it stands now. status: 'submitted' | 'fulfilled' | 'cancelled';
  // net = subtotal - discounts (before tax), total = net + tax, in currency.
  `CREATE TABLE IF NOT EXISTS orders (
    tenant_id VARCHAR NOT NULL, order_id VARCHAR NOT NULL, number VARCHAR, quote_id VARCHAR, opportunity_id VARCHAR, account_id VARCHAR,
    owner_id VARCHAR, status VARCHAR NOT NULL, currency VARCHAR, subtotal ${MONEY}, net ${MONEY}, tax ${MONEY}, total ${MONEY},
    submitted_at TIMESTAMPTZ, fulfilled_at TIMESTAMPTZ, cancelled_at TIMESTAMPTZ, created_at TIMESTAMPTZ,
    version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, order_id))`,
  // A competitor (sales.competitor.*): its latest name.
  `CREATE TABLE IF NOT EXISTS competitors (
    tenant_id VARCHAR NOT NULL, competitor_id VARCHAR NOT NULL, name VARCHAR, website VARCHAR, version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, competitor_id))`,
  // status: 'new' | 'qualified' | 'disqualified' | 'converted'; source: 'manual', 'import', 'marketing', 'web_form', 'partner'.
  `CREATE TABLE IF NOT EXISTS leads (
    tenant_id VARCHAR NOT NULL, lead_id VARCHAR NOT NULL, source VARCHAR, status VARCHAR NOT NULL, owner_id VARCHAR,
    campaign_id VARCHAR, company VARCHAR, industry VARCHAR, created_at TIMESTAMPTZ, converted_at TIMESTAMPTZ,
    account_id VARCHAR, opportunity_id VARCHAR, version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, lead_id))`,
  // kind: 'task', 'call', 'meeting', 'email'; occurred_at: completion, else due, else creation.
  `CREATE TABLE IF NOT EXISTS activities (
    tenant_id VARCHAR NOT NULL, activity_id VARCHAR NOT NULL, kind VARCHAR, account_id VARCHAR, owner_id VARCHAR,
    created_at TIMESTAMPTZ, completed_at TIMESTAMPTZ, occurred_at TIMESTAMPTZ, version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, activity_id))`,
  // Marketing. status: 'draft', 'scheduled', 'running', 'completed', 'cancelled'; cost in cost_currency.
  `CREATE TABLE IF NOT EXISTS campaigns (
    tenant_id VARCHAR NOT NULL, campaign_id VARCHAR NOT NULL, name VARCHAR, status VARCHAR NOT NULL, owner_id VARCHAR,
    budget ${MONEY}, actual_cost ${MONEY}, cost_currency VARCHAR, starts_at TIMESTAMPTZ, ends_at TIMESTAMPTZ,
    launched_at TIMESTAMPTZ, created_at TIMESTAMPTZ, members BIGINT NOT NULL, version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, campaign_id))`,
  // One row per response event. response_type: 'opened', 'clicked', 'replied', 'registered', 'unsubscribed', 'interested'.
  `CREATE TABLE IF NOT EXISTS campaign_responses (
    tenant_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, campaign_id VARCHAR NOT NULL, response_type VARCHAR NOT NULL,
    person_id VARCHAR, lead_id VARCHAR, occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, event_id))`,
  // Service. priority: 'low', 'normal', 'high', 'urgent'; status: 'new', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'.
  `CREATE TABLE IF NOT EXISTS cases (
    tenant_id VARCHAR NOT NULL, case_id VARCHAR NOT NULL, number VARCHAR, account_id VARCHAR, owner_id VARCHAR,
    queue_id VARCHAR, priority VARCHAR, category VARCHAR, product VARCHAR, channel VARCHAR, status VARCHAR NOT NULL,
    created_at TIMESTAMPTZ, first_responded_at TIMESTAMPTZ, first_response_due_at TIMESTAMPTZ,
    resolved_at TIMESTAMPTZ, resolution_due_at TIMESTAMPTZ, closed_at TIMESTAMPTZ, sla_breached BOOLEAN NOT NULL,
    version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, case_id))`,
  // One row per SLA alert event. metric: 'first_response' | 'resolution'; kind: 'warning' | 'breached'.
  `CREATE TABLE IF NOT EXISTS sla_alerts (
    tenant_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, case_id VARCHAR NOT NULL, metric VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    due_at TIMESTAMPTZ, target_at TIMESTAMPTZ, priority VARCHAR, category VARCHAR, queue_id VARCHAR, occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, event_id))`,
  // A case's satisfaction score (1..5), once per case.
  `CREATE TABLE IF NOT EXISTS case_feedback (
    tenant_id VARCHAR NOT NULL, case_id VARCHAR NOT NULL, score INTEGER NOT NULL, given_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, case_id))`,
  // Knowledge-Base. status: 'draft', 'in_review', 'published', 'archived'.
  `CREATE TABLE IF NOT EXISTS articles (
    tenant_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, title VARCHAR, category VARCHAR, language VARCHAR, status VARCHAR,
    version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, article_id))`,
  // One row per counted view (knowledge.article.viewed: once per reader per hour).
  `CREATE TABLE IF NOT EXISTS article_views (
    tenant_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, category VARCHAR, language VARCHAR,
    viewer_id VARCHAR, occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, event_id))`,
  `CREATE TABLE IF NOT EXISTS article_feedback (
    tenant_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, helpful BOOLEAN NOT NULL, occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, event_id))`,
  `CREATE TABLE IF NOT EXISTS article_case_links (
    tenant_id VARCHAR NOT NULL, case_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, case_id, article_id))`,
  // Every search (knowledge.search.performed) and, apart, every search that found nothing
  // (knowledge.search.no_results, published also before searches were counted).
  `CREATE TABLE IF NOT EXISTS searches (
    tenant_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, query VARCHAR, language VARCHAR, category VARCHAR, product VARCHAR,
    result_count INTEGER NOT NULL, occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, event_id))`,
  `CREATE TABLE IF NOT EXISTS empty_searches (
    tenant_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, query VARCHAR, language VARCHAR, category VARCHAR, product VARCHAR,
    occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, event_id))`,
  // Reporting's own quotas (reporting.quota.*). period: '2026', '2026-Q4' or '2026-11'; period_start/period_end its first and last day.
  `CREATE TABLE IF NOT EXISTS quotas (
    tenant_id VARCHAR NOT NULL, quota_id VARCHAR NOT NULL, owner_id VARCHAR, territory VARCHAR, period VARCHAR NOT NULL,
    period_start DATE NOT NULL, period_end DATE NOT NULL, amount ${MONEY} NOT NULL, currency VARCHAR NOT NULL,
    version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, quota_id))`,
  // How many events of each subject the store applied per tenant: what a reconciliation counts
  // against what was published (a replay or a redelivery never adds to it twice).
  `CREATE TABLE IF NOT EXISTS applied_events (
    tenant_id VARCHAR NOT NULL, subject VARCHAR NOT NULL, events BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, subject))`,
];

/**
 * What the audience keeps in its DuckDB file: Sales' accounts, contacts and leads as their last
 * snapshots (deleted ones kept as tombstones with their version, so a late older event cannot
 * bring them back), Reporting's value per account, and the `audience` view segments query. A
 * contact takes its account's industry, territory, name and value at query time, so an account's
 * change reaches its contacts at once. Empty strings are kept as NULL: `exists` is `IS NOT NULL`.
 */

/** Raise it when what follows changes: the file is then rebuilt from the streams. */
export const AUDIENCE_VERSION = 1;

export const AUDIENCE_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS accounts (
    tenant_id VARCHAR NOT NULL, account_id VARCHAR NOT NULL, name VARCHAR, industry VARCHAR, territory VARCHAR,
    owner_id VARCHAR, version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, account_id))`,
  `CREATE TABLE IF NOT EXISTS people (
    tenant_id VARCHAR NOT NULL, person_id VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    first_name VARCHAR, last_name VARCHAR, email VARCHAR, phone VARCHAR, title VARCHAR, owner_id VARCHAR,
    account_id VARCHAR, company VARCHAR, industry VARCHAR, status VARCHAR,
    created_at TIMESTAMPTZ, updated_at TIMESTAMPTZ, version BIGINT NOT NULL, deleted BOOLEAN NOT NULL,
    PRIMARY KEY (tenant_id, person_id))`,
  `CREATE TABLE IF NOT EXISTS customer_values (
    tenant_id VARCHAR NOT NULL, account_id VARCHAR NOT NULL, value_class VARCHAR, churn_risk BOOLEAN,
    occurred_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, account_id))`,
  `CREATE OR REPLACE VIEW audience AS
    SELECT p.tenant_id, p.person_id, p.kind, p.first_name, p.last_name, p.email, p.phone, p.title, p.owner_id, p.account_id,
      CASE WHEN p.kind = 'contact' THEN a.name ELSE p.company END AS company,
      CASE WHEN p.kind = 'contact' THEN a.industry ELSE p.industry END AS industry,
      a.territory AS territory,
      CASE WHEN p.kind = 'contact' THEN 'customer' ELSE p.status END AS lifecycle_stage,
      nullif(lower(split_part(p.email, '@', 2)), '') AS email_domain,
      p.created_at, p.updated_at, v.value_class, v.churn_risk
    FROM people p
    LEFT JOIN accounts a ON a.tenant_id = p.tenant_id AND a.account_id = p.account_id AND NOT a.deleted
    LEFT JOIN customer_values v ON v.tenant_id = p.tenant_id AND v.account_id = p.account_id
    WHERE NOT p.deleted`,
];

/** The columns of a person the API serves (AudienceMember) and campaigns read (AudiencePerson). */
export const MEMBER_COLUMNS = [
  "person_id", "kind", "first_name", "last_name", "email", "phone", "title", "company", "industry", "territory",
  "lifecycle_stage", "owner_id", "account_id", "value_class", "churn_risk", "created_at", "updated_at",
] as const;

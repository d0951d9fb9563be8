// Marketing's audience: its copy of Sales' people in a local DuckDB read model, and how segments
// and campaigns read it (the AudienceReader port of src/domain/types.ts).
export { Audience, TARGET_BATCH, type AudienceMemberRow, type AudienceOptions, type SegmentPreviewResult } from "./audience";
export { conditionSql, rulesSql, anyOfSql, type SegmentRules } from "./sql";

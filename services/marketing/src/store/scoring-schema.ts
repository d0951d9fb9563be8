import { type Stored } from "@relata/platform";
import { mongooseSchema } from "@relata/platform/resource";
import { Schema } from "mongoose";
import { outboxFields } from "@relata/platform";
import type { LeadScoreRecord } from "../domain/score";
import type { ScoringRuleRecord } from "../domain/scoring";
import { scoringRule } from "../resources";

export type { LeadScoreRecord } from "../domain/score";

export const scoringRuleSchema = mongooseSchema(scoringRule) as unknown as Schema<Stored<ScoringRuleRecord>>;
for (const path of ["kind", "points"]) scoringRuleSchema.path(path).required(true);

const text = { type: String, default: "" };

/** `lead_scores`: one document per Sales lead, `marketing.lead.scored` in its own outbox. */
export const leadScoreSchema = new Schema<Stored<LeadScoreRecord>>(
  {
    _id: { type: String, required: true },
    tenantId: { type: String, required: true },
    leadId: { type: String, required: true },
    leadVersion: { type: Number, required: true },
    attributes: { industry: text, title: text, company: text, source: text, status: text },
    leadDeleted: { type: Boolean, default: false },
    behaviours: {
      type: [new Schema({ responseId: { type: String, required: true }, type: { type: String, required: true }, occurredAt: { type: Date, required: true } }, { _id: false })],
      default: [],
    },
    score: { type: Number, required: true },
    scoredAt: { type: Date, required: false },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    ...outboxFields,
  },
  { versionKey: false },
);
// The decay sweep walks the tenants' scored leads in id order.
leadScoreSchema.index({ tenantId: 1, _id: 1 });

import { recordFields, withTenantIndexes, type Stored } from "@relata/platform";
import { Schema } from "mongoose";
import type { ResponseRecord } from "../domain/response";

const text = { type: String, default: "" };

/** `campaign_responses`: one document per response, its event in its own outbox. */
export const responseSchema = withTenantIndexes(
  new Schema(
    {
      ...recordFields,
      campaignId: { type: String, required: true },
      type: { type: String, required: true },
      personId: text,
      personKind: text,
      firstName: text,
      lastName: text,
      email: text,
      phone: text,
      company: text,
      channel: text,
      occurredAt: { type: Date, required: true },
      note: text,
      recordedBy: { type: String, required: true },
    },
    { versionKey: false },
  ),
  // A campaign's responses, newest first, of one type or all.
  [
    { campaignId: 1, occurredAt: -1, _id: -1 },
    { campaignId: 1, type: 1, occurredAt: -1, _id: -1 },
    { campaignId: 1, createdAt: -1, _id: -1 },
  ],
) as unknown as Schema<Stored<ResponseRecord>>;

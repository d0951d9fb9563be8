import { toMessage } from "@relata/platform/resource";
import type { Case } from "@relata/proto/service/v1/case";
import type { CaseRecord } from "../domain/types";
import { supportCase } from "../resources";

/** Records to proto messages, for the gRPC responses and the event payloads alike (from the descriptions). */
export const toCase = (r: CaseRecord): Case => toMessage(supportCase, r);

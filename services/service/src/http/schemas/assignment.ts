import { z } from "zod";
import { named, OwnerId, RefId } from "@relata/platform/http";

export const CaseAssign = named(
  "CaseAssign",
  z
    .strictObject({
      ownerId: OwnerId.optional().meta({ description: "The agent; omit to keep the owner, or (with a new queueId) to let that queue's rule choose." }),
      queueId: RefId("queue").optional().meta({ description: "The queue; omit to keep the case's." }),
    })
    .refine((v) => v.ownerId !== undefined || v.queueId !== undefined, { message: "name an ownerId, a queueId, or both" })
    .meta({ minProperties: 1 }),
);

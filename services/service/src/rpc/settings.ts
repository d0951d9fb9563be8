import { implement, validate, type ServiceRegistration } from "@relata/platform";
import { ServiceSettingsServiceService } from "@relata/proto/service/v1/settings";
import { z } from "zod";
import { toSettings } from "../codec/case-mappers";
import { checkReopenWindowDays } from "../domain/case-lifecycle";
import type { ServiceDeps } from "./context";

const UpdateServiceSettingsInput = z.object({
  // Absent: no check; 0: only while the tenant has the defaults (see the proto).
  expectedVersion: z
    .string()
    .regex(/^\d{1,15}$/, "must be a whole number")
    .transform(Number)
    .optional(),
  reopenWindowDays: z.number().int("must be a whole number"),
});

/** The request schemas, by RPC (exported for tests). */
export const settingsSchemas = { updateServiceSettings: UpdateServiceSettingsInput };

export function settingsService({ settings, logger }: ServiceDeps): ServiceRegistration {
  return implement(
    ServiceSettingsServiceService,
    {
      async getServiceSettings(_request, ctx) {
        return toSettings(ctx.identity.tenantId, await settings.current(ctx));
      },

      async updateServiceSettings(request, ctx) {
        const input = validate(UpdateServiceSettingsInput, request);
        const reopenWindowDays = checkReopenWindowDays(input.reopenWindowDays);
        return toSettings(ctx.identity.tenantId, await settings.replace(ctx, input.expectedVersion, { reopenWindowDays }));
      },
    },
    logger,
  );
}

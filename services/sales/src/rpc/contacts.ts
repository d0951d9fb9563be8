import { randomUUID } from "node:crypto";
import { implement, type ServiceRegistration } from "@relata/platform";
import { ContactServiceService } from "@relata/proto/sales/v1/contact";
import { z } from "zod";
import type { ContactRecord } from "../domain/types";
import { contactEvent } from "../events/builders";
import { toContact } from "../store/mappers";
import { changedFields, filterOf, getInTenant, listPage, requireReference } from "../store/queries";
import { createIdempotent, updateVersioned } from "../store/write";
import { actorOf, newRecord, type SalesDeps } from "./context";
import { email, optionalEmail, expectedVersion, id, optionalId, optionalText, requiredText, text, validate } from "./validation";

export const CONTACT_SORTS = ["createdAt", "updatedAt", "lastName", "email"] as const;

const CreateContactInput = z.object({
  accountId: optionalId(),
  firstName: text(),
  lastName: requiredText(),
  email: email(),
  phone: text(),
  title: text(),
  ownerId: text(),
  idempotencyKey: text(),
});

const GetContactInput = z.object({ id: id() });

const ListContactsInput = z.object({ accountId: text(), ownerId: text(), email: email() });

const UpdateContactInput = z.object({
  id: id(),
  expectedVersion: expectedVersion(),
  accountId: optionalText(),
  firstName: optionalText(),
  lastName: requiredText().optional(),
  email: optionalEmail(),
  phone: optionalText(),
  title: optionalText(),
  ownerId: optionalText(),
});

/** The request schemas, by RPC (exported for tests). */
export const contactSchemas = {
  createContact: CreateContactInput,
  getContact: GetContactInput,
  listContacts: ListContactsInput,
  updateContact: UpdateContactInput,
};

export function contactService(deps: SalesDeps): ServiceRegistration {
  const { models, nudge } = deps;
  const checkAccount = async (tenantId: string, accountId: string) => {
    if (accountId) await requireReference(models.accounts, tenantId, accountId, "account_id", "account");
  };

  return implement(
    ContactServiceService,
    {
      async createContact(request, ctx) {
        const input = validate(CreateContactInput, request);
        const actor = actorOf(ctx);
        const record = await createIdempotent<ContactRecord>(
          models.contacts,
          {
            what: "contact",
            tenantId: actor.tenantId,
            idempotencyKey: input.idempotencyKey,
            request: input,
            build: async () => {
              await checkAccount(actor.tenantId, input.accountId);
              return {
                ...newRecord(actor.tenantId, randomUUID()),
                accountId: input.accountId,
                firstName: input.firstName,
                lastName: input.lastName,
                email: input.email,
                phone: input.phone,
                title: input.title,
                ownerId: input.ownerId || actor.actorId,
              };
            },
            events: (r) => [contactEvent("created", r, actor)],
          },
          nudge,
        );
        return toContact(record);
      },

      async getContact(request, ctx) {
        const input = validate(GetContactInput, request);
        return toContact(await getInTenant(models.contacts, ctx.identity.tenantId, input.id, "contact"));
      },

      async listContacts(request, ctx) {
        const input = validate(ListContactsInput, request);
        const filter = filterOf({ accountId: input.accountId, ownerId: input.ownerId, email: input.email });
        const { rows, nextCursor } = await listPage(models.contacts, ctx.identity.tenantId, filter, request.page, CONTACT_SORTS, "-createdAt");
        return { contacts: rows.map(toContact), page: { nextCursor } };
      },

      async updateContact(request, ctx) {
        const input = validate(UpdateContactInput, request);
        const actor = actorOf(ctx);
        const record = await updateVersioned<ContactRecord>(
          models.contacts,
          {
            what: "contact",
            tenantId: actor.tenantId,
            id: input.id,
            expectedVersion: input.expectedVersion,
            decide: async (current) => {
              const set = changedFields(current, {
                accountId: input.accountId,
                firstName: input.firstName,
                lastName: input.lastName,
                email: input.email,
                phone: input.phone,
                title: input.title,
                ownerId: input.ownerId,
              });
              if (Object.keys(set).length === 0) return null;
              if (set.accountId) await checkAccount(actor.tenantId, set.accountId);
              return { set, events: (next) => [contactEvent("updated", next, actor)] };
            },
          },
          nudge,
        );
        return toContact(record);
      },
    },
    deps.logger,
  );
}

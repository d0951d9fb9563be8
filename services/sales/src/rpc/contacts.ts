import {
  changedFields,
  email,
  expectedVersion,
  id,
  implement,
  optionalEmail,
  optionalId,
  optionalText,
  RecycleBinInput,
  recycleBinHandlers,
  requiredText,
  text,
  validate,
  type ServiceRegistration,
} from "@relata/platform";
import { ContactServiceService } from "@relata/proto/sales/v1/contact";
import { z } from "zod";
import { toContact } from "../codec/mappers";
import { contactEvent } from "../events/builders";
import { salesDependents, salesRestoreChecks } from "../store/repositories";
import type { SalesDeps } from "./context";

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
  deleteContact: RecycleBinInput,
  restoreContact: RecycleBinInput,
};

export function contactService({ repos, logger }: SalesDeps): ServiceRegistration {
  const bin = recycleBinHandlers(repos.contacts, toContact, contactEvent, {
    delete: { dependents: salesDependents(repos).contact },
    restore: salesRestoreChecks(repos).contact,
  });
  return implement(
    ContactServiceService,
    {
      async createContact(request, ctx) {
        const input = validate(CreateContactInput, request);
        const contacts = repos.contacts.in(ctx);
        const record = await contacts.create({
          idempotencyKey: input.idempotencyKey,
          request: input,
          build: async () => {
            if (input.accountId) await repos.accounts.in(ctx).require(input.accountId, "account_id");
            const { idempotencyKey: _key, ...fields } = input;
            return { ...fields, ownerId: input.ownerId || contacts.actor.actorId };
          },
          events: (r, actor) => [contactEvent("created", r, actor)],
        });
        return toContact(record);
      },

      async getContact(request, ctx) {
        const input = validate(GetContactInput, request);
        return toContact(await repos.contacts.in(ctx).get(input.id));
      },

      async listContacts(request, ctx) {
        const input = validate(ListContactsInput, request);
        const { rows, nextCursor } = await repos.contacts.in(ctx).list(input, request.page);
        return { contacts: rows.map(toContact), page: { nextCursor } };
      },

      async updateContact(request, ctx) {
        const { id, expectedVersion, ...fields } = validate(UpdateContactInput, request);
        const record = await repos.contacts.in(ctx).update(id, expectedVersion, async (current) => {
          const set = changedFields(current, fields);
          if (Object.keys(set).length === 0) return null;
          if (set.accountId) await repos.accounts.in(ctx).require(set.accountId, "account_id");
          return { set, events: (next, actor) => [contactEvent("updated", next, actor)] };
        });
        return toContact(record);
      },

      deleteContact: bin.delete,
      restoreContact: bin.restore,
    },
    logger,
  );
}

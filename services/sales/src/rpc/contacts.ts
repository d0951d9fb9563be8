import { changedFields, implement, RecycleBinInput, recycleBinHandlers, type ServiceRegistration } from "@relata/platform";
import { parseRequest, serviceSchemas } from "@relata/platform/resource";
import { ContactServiceService } from "@relata/proto/sales/v1/contact";
import { toContact } from "../codec/mappers";
import { contactEvent } from "../events/builders";
import { contact } from "../resources";
import { salesDependents, salesRestoreChecks } from "../store/repositories";
import type { SalesDeps } from "./context";

const described = serviceSchemas(contact);

/** The request schemas, by RPC (exported for tests). */
export const contactSchemas = {
  createContact: described.create,
  getContact: described.get,
  listContacts: described.list,
  updateContact: described.update,
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
        const input = parseRequest(described.create, request);
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
        const input = parseRequest(described.get, request);
        return toContact(await repos.contacts.in(ctx).get(input.id));
      },

      async listContacts(request, ctx) {
        const input = parseRequest(described.list, request);
        const { rows, nextCursor } = await repos.contacts.in(ctx).list(input, request.page);
        return { contacts: rows.map(toContact), page: { nextCursor } };
      },

      async updateContact(request, ctx) {
        const { id, expectedVersion, ...fields } = parseRequest(described.update, request);
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

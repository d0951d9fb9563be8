import { implement, RecycleBinInput, recycleBinHandlers, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas } from "@relata/platform/resource";
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
  const crud = resourceHandlers(contact, repos.contacts, contactEvent, {
    async create(input, contacts, ctx) {
      if (input.accountId) await repos.accounts.in(ctx).require(input.accountId, "account_id");
      return { ...input, ownerId: input.ownerId || contacts.actor.actorId };
    },
    async update(set, _current, _contacts, ctx) {
      if (set.accountId) await repos.accounts.in(ctx).require(set.accountId, "account_id");
    },
  });
  const bin = recycleBinHandlers(repos.contacts, toContact, contactEvent, {
    delete: { dependents: salesDependents(repos).contact },
    restore: salesRestoreChecks(repos).contact,
  });
  return implement(
    ContactServiceService,
    {
      createContact: crud.create,
      getContact: crud.get,
      listContacts: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { contacts: rows, page: { nextCursor } };
      },
      updateContact: crud.update,
      deleteContact: bin.delete,
      restoreContact: bin.restore,
    },
    logger,
  );
}

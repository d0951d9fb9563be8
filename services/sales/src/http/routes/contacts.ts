import { CreateContactRequest, ListContactsRequest, UpdateContactRequest } from "@relata/proto/sales/v1/contact";
import { contact } from "../../resources";
import type { SalesClients } from "../../client";
import { crudRoutes, type RouteSpec } from "@relata/platform/http";

export function contactRoutes(sales: SalesClients): RouteSpec[] {
  return crudRoutes(
    contact,
    {
      list: async (request, call) => {
        const res = await sales.contacts.listContacts(ListContactsRequest.fromPartial(request), call);
        return { records: res.contacts, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => sales.contacts.createContact(CreateContactRequest.fromPartial(request), call),
      get: (request, call) => sales.contacts.getContact(request, call),
      update: (request, call) => sales.contacts.updateContact(UpdateContactRequest.fromPartial(request), call),
      delete: (request, call) => sales.contacts.deleteContact(request, call),
      restore: (request, call) => sales.contacts.restoreContact(request, call),
    },
    { tag: "Contacts", refusedWhen: "while opportunities name the contact" },
  );
}

import { CreateContactRequest, ListContactsRequest, UpdateContactRequest } from "@relata/proto/sales/v1/contact";
import type { SalesClients } from "../backends";
import { IdParams, pageOf } from "../schemas/common";
import { ContactCreate, ContactJson, contactJson, ContactListQuery, ContactUpdate } from "../schemas/contacts";
import { clearable, listReply, recycleBinRoutes, route, type RouteSpec } from "./define";
import { created, ok, page } from "./responses";

const ContactPage = pageOf("ContactPage", ContactJson);

export function contactRoutes(sales: SalesClients): RouteSpec[] {
  return [
    route({
      operationId: "listContacts",
      method: "get",
      path: "/v1/contacts",
      operation: "contacts.read",
      tag: "Contacts",
      summary: "List contacts",
      query: ContactListQuery,
      responses: { 200: page(ContactPage) },
      handler: async (ctx) => {
        const q = ctx.query;
        const res = await sales.contacts.listContacts(
          ListContactsRequest.fromPartial({
            page: { pageSize: q.limit ?? 0, cursor: q.cursor ?? "", sort: q.sort ?? "" },
            accountId: q.accountId ?? "",
            ownerId: q.ownerId ?? "",
            email: q.email ?? "",
          }),
          ctx.call,
        );
        return listReply(ctx, res.contacts.map(contactJson), res.page?.nextCursor);
      },
    }),
    route({
      operationId: "createContact",
      method: "post",
      path: "/v1/contacts",
      operation: "contacts.write",
      tag: "Contacts",
      summary: "Create a contact",
      body: ContactCreate,
      idempotencyKey: true,
      responses: { 201: created(ContactJson) },
      handler: async (ctx) => {
        const b = ctx.body;
        const contact = await sales.contacts.createContact(
          CreateContactRequest.fromPartial({
            accountId: b.accountId ?? "",
            firstName: b.firstName ?? "",
            lastName: b.lastName,
            email: b.email ?? "",
            phone: b.phone ?? "",
            title: b.title ?? "",
            ownerId: b.ownerId ?? "",
            idempotencyKey: ctx.idempotencyKey,
          }),
          ctx.call,
        );
        return { status: 201, body: contactJson(contact), version: contact.version, location: `/v1/contacts/${contact.id}` };
      },
    }),
    route({
      operationId: "getContact",
      method: "get",
      path: "/v1/contacts/:id",
      operation: "contacts.read",
      tag: "Contacts",
      summary: "Read a contact",
      params: IdParams,
      responses: { 200: ok(ContactJson) },
      handler: async (ctx) => {
        const contact = await sales.contacts.getContact({ id: ctx.params.id }, ctx.call);
        return { body: contactJson(contact), version: contact.version };
      },
    }),
    route({
      operationId: "updateContact",
      method: "patch",
      path: "/v1/contacts/:id",
      operation: "contacts.write",
      tag: "Contacts",
      summary: "Change a contact",
      params: IdParams,
      body: ContactUpdate,
      ifMatch: "required",
      responses: { 200: ok(ContactJson, "The changed contact.") },
      handler: async (ctx) => {
        const b = ctx.body;
        const contact = await sales.contacts.updateContact(
          UpdateContactRequest.fromPartial({
            id: ctx.params.id,
            expectedVersion: ctx.expectedVersion,
            accountId: clearable(b.accountId),
            firstName: clearable(b.firstName),
            lastName: b.lastName,
            email: clearable(b.email),
            phone: clearable(b.phone),
            title: clearable(b.title),
            ownerId: b.ownerId,
          }),
          ctx.call,
        );
        return { body: contactJson(contact), version: contact.version };
      },
    }),
    ...recycleBinRoutes({
      path: "/v1/contacts",
      name: "Contact",
      what: "contact",
      tag: "Contacts",
      operation: "contacts.delete",
      schema: ContactJson,
      toJson: contactJson,
      refusedWhen: "while opportunities name the contact",
      calls: {
        delete: (request, call) => sales.contacts.deleteContact(request, call),
        restore: (request, call) => sales.contacts.restoreContact(request, call),
      },
    }),
  ];
}

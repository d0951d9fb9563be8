import type { Contact } from "@relata/proto/sales/v1/contact";
import { z } from "zod";
import { DateTime, Email, Id, listQuery, optionalText, orNull, OwnerId, patchOf, Phone, RefId, text, toVersion, Version } from "./common";
import { named } from "./registry";

export const ContactCreate = named(
  "ContactCreate",
  z.strictObject({
    accountId: RefId("account").optional(),
    firstName: optionalText().optional(),
    lastName: text(),
    email: Email.optional(),
    phone: Phone.optional(),
    title: optionalText().optional(),
    ownerId: OwnerId.optional().meta({ description: "Defaults to the caller." }),
  }),
);

export const ContactUpdate = named(
  "ContactUpdate",
  patchOf(
    z.strictObject({
      accountId: RefId("account").nullable().optional(),
      firstName: optionalText().nullable().optional(),
      lastName: text().optional(),
      email: Email.nullable().optional(),
      phone: Phone.nullable().optional(),
      title: optionalText().nullable().optional(),
      ownerId: OwnerId.optional(),
    }),
  ),
  "Fields to change; null clears an optional field.",
);

export const ContactListQuery = listQuery(["createdAt", "updatedAt", "lastName", "email"], {
  accountId: Id.optional(),
  ownerId: OwnerId.optional(),
  email: Email.optional(),
});

export const ContactJson = named(
  "Contact",
  z.object({
    id: z.string(),
    tenantId: z.string(),
    accountId: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    title: z.string().nullable(),
    ownerId: z.string().nullable(),
    version: Version,
    createdAt: DateTime.nullable(),
    updatedAt: DateTime.nullable(),
  }),
);

export function contactJson(c: Contact): z.output<typeof ContactJson> {
  return {
    id: c.id,
    tenantId: c.tenantId,
    accountId: orNull(c.accountId),
    firstName: orNull(c.firstName),
    lastName: c.lastName,
    email: orNull(c.email),
    phone: orNull(c.phone),
    title: orNull(c.title),
    ownerId: orNull(c.ownerId),
    version: toVersion(c.version),
    createdAt: orNull(c.createdAt),
    updatedAt: orNull(c.updatedAt),
  };
}

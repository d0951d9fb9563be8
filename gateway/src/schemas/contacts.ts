import type { Contact } from "@relata/proto/sales/v1/contact";
import { z } from "zod";
import { DateTime, Email, Id, listQuery, optionalText, orNull, OwnerId, Phone, text, toVersion, Version } from "./common";
import { named } from "./registry";

export const ContactCreate = named(
  "ContactCreate",
  z.strictObject({
    accountId: Id.optional(),
    firstName: optionalText(100).optional(),
    lastName: text(100),
    email: Email.optional(),
    phone: Phone.optional(),
    title: optionalText(100).optional(),
    ownerId: OwnerId.optional().meta({ description: "Defaults to the caller." }),
  }),
);

export const ContactUpdate = named(
  "ContactUpdate",
  z
    .strictObject({
      accountId: Id.nullable().optional(),
      firstName: optionalText(100).nullable().optional(),
      lastName: text(100).optional(),
      email: Email.nullable().optional(),
      phone: Phone.nullable().optional(),
      title: optionalText(100).nullable().optional(),
      ownerId: OwnerId.optional(),
    })
    .refine((v) => Object.keys(v).length > 0, { message: "name at least one field to change" }),
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

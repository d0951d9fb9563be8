import { InvalidArgument } from "@relata/platform";

/** What the Service knows of a Sales account or contact (its local copy, or Sales itself). */
export interface SalesRef {
  id: string;
  /** A contact's account ("" for an account, or a contact on none). */
  accountId: string;
  deleted: boolean;
}

/** The customer of a case as asked for: an account, a contact, both or neither. */
export interface CaseParties {
  accountId: string;
  contactId: string;
}

/**
 * The account and contact a case keeps, from what Sales knows of them: each named one must
 * exist and be live (400 naming the field otherwise), a contact must belong to the case's
 * account, and a case that names only a contact takes the contact's account.
 */
export function resolveParties(asked: CaseParties, account: SalesRef | null, contact: SalesRef | null): CaseParties {
  if (asked.accountId && (!account || account.deleted)) {
    throw new InvalidArgument("account_id", `account_id: no account with id ${asked.accountId}`);
  }
  if (!asked.contactId) return { accountId: asked.accountId, contactId: "" };
  if (!contact || contact.deleted) throw new InvalidArgument("contact_id", `contact_id: no contact with id ${asked.contactId}`);
  if (!asked.accountId) return { accountId: contact.accountId, contactId: asked.contactId };
  if (contact.accountId !== asked.accountId) {
    throw new InvalidArgument("contact_id", `contact_id: contact ${asked.contactId} does not belong to account ${asked.accountId}`);
  }
  return { ...asked };
}

/** The local copy of a Sales account or contact, built from Sales' events (`_id` is the record's id). */
export interface SalesRefRecord {
  _id: string;
  tenantId: string;
  type: "account" | "contact";
  accountId: string;
  deleted: boolean;
  /** The Sales record's version the copy was last written from: an older event changes nothing. */
  version: number;
  updatedAt: Date;
}

import { Contact, ListContactsRequest } from "@relata/proto/sales/v1/contact";
import { gatewaySchemas, listRequest, serviceSchemas, toJson, type AnyResource } from "@relata/platform/resource";
import { validate } from "@relata/platform";
import { account, activity, contact, lead, opportunity } from "../../src/resources";

/** Every CRUD resource of Sales, described: the lists sort and filter as Sales' do today. */
/** The sort fields of Sales' lists before the descriptions (each with an index leading with tenantId). */
const SORTABLE = {
  accounts: ["createdAt", "updatedAt", "name"],
  contacts: ["createdAt", "updatedAt", "lastName", "email"],
  leads: ["createdAt", "updatedAt", "lastName", "company", "score"],
  opportunities: ["createdAt", "updatedAt", "name", "expectedCloseDate", "probability"],
  activities: ["createdAt", "updatedAt"],
} as const;

/** The filters of Sales' lists before the descriptions (the list requests' fields). */
const FILTERS = {
  accounts: ["industry", "territory", "ownerId", "parentAccountId", "externalId", "country", "region"],
  contacts: ["accountId", "ownerId", "email", "externalId"],
  leads: ["status", "ownerId", "source", "company", "campaignId", "externalId", "country", "territory"],
  opportunities: ["accountId", "ownerId", "stageId", "status"],
  activities: ["relatedTo", "ownerId", "type", "openOnly"],
} as const;

const catalogue: [string, AnyResource, readonly string[], readonly string[], string[]][] = [
  // name, description, Sales' sorts, Sales' list filters, filters left to hand-written code
  ["account", account, SORTABLE.accounts, FILTERS.accounts, []],
  ["contact", contact, SORTABLE.contacts, FILTERS.contacts, []],
  ["lead", lead, SORTABLE.leads, FILTERS.leads, []],
  ["opportunity", opportunity, SORTABLE.opportunities, FILTERS.opportunities, []],
  // The API's relatedType + relatedId and open are query parameters that are not fields.
  ["activity", activity, SORTABLE.activities, FILTERS.activities, ["relatedTo", "openOnly"]],
];

describe("Sales' CRUD resources as descriptions", () => {
  it.each(catalogue)("%s: the same sorts and filters as the service", (_name, r, sorts, filters, custom) => {
    expect([...r.sorts].sort()).toEqual([...sorts].sort());
    expect([...r.filters, ...custom].sort()).toEqual([...filters].sort());
  });

  it("a contact: the API's JSON, and an email filter lower-cased as the service keeps it", () => {
    const message = Contact.fromPartial({ id: "c1", tenantId: "t1", lastName: "Lovelace", email: "ada@example.com", version: "2", createdAt: "2026-01-01T00:00:00.000Z" });
    expect(toJson(contact, message)).toEqual({
      id: "c1",
      tenantId: "t1",
      accountId: null,
      firstName: null,
      lastName: "Lovelace",
      email: "ada@example.com",
      phone: null,
      title: null,
      ownerId: null,
      externalId: null,
      version: 2,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: null,
    });
    const query = gatewaySchemas(contact).list.parse({ email: "Ada@Example.com" });
    expect(validate(serviceSchemas(contact).list, ListContactsRequest.fromPartial(listRequest(contact, query)))).toEqual({ email: "ada@example.com" });
  });
});

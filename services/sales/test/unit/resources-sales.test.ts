import { Contact, ListContactsRequest } from "@relata/proto/sales/v1/contact";
import { contactJson } from "../../../../gateway/src/schemas/contacts";
import { accountSchemas } from "../../src/rpc/accounts";
import { activitySchemas } from "../../src/rpc/activities";
import { contactSchemas } from "../../src/rpc/contacts";
import { leadSchemas } from "../../src/rpc/leads";
import { opportunitySchemas } from "../../src/rpc/opportunities";
import { gatewaySchemas, listRequest, parseRequest, serviceSchemas, toJson, type AnyResource } from "@relata/platform/resource";
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

const catalogue: [string, AnyResource, readonly string[], { shape: Record<string, unknown> }, string[]][] = [
  // name, description, Sales' sorts, Sales' list input, filters left to hand-written code
  ["account", account, SORTABLE.accounts, accountSchemas.listAccounts, []],
  ["contact", contact, SORTABLE.contacts, contactSchemas.listContacts, []],
  ["lead", lead, SORTABLE.leads, leadSchemas.listLeads, []],
  ["opportunity", opportunity, SORTABLE.opportunities, opportunitySchemas.listOpportunities, []],
  // The API's relatedType + relatedId and open are query parameters that are not fields.
  ["activity", activity, SORTABLE.activities, activitySchemas.listActivities, ["relatedTo", "openOnly"]],
];

describe("Sales' CRUD resources as descriptions", () => {
  it.each(catalogue)("%s: the same sorts and filters as the service", (_name, r, sorts, listInput, custom) => {
    expect([...r.sorts].sort()).toEqual([...sorts].sort());
    expect([...r.filters, ...custom].sort()).toEqual(Object.keys(listInput.shape).sort());
  });

  it("a contact: the gateway's JSON, and an email filter lower-cased as the service keeps it", () => {
    const message = Contact.fromPartial({ id: "c1", tenantId: "t1", lastName: "Lovelace", email: "ada@example.com", version: "2", createdAt: "2026-01-01T00:00:00.000Z" });
    expect(toJson(contact, message)).toEqual(contactJson(message));
    const query = gatewaySchemas(contact).list.parse({ email: "Ada@Example.com" });
    expect(parseRequest(serviceSchemas(contact).list, ListContactsRequest.fromPartial(listRequest(contact, query)))).toEqual({ email: "ada@example.com" });
  });
});

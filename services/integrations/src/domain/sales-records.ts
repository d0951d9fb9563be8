import type { AnyResource } from "@relata/platform/resource";
import type { SalesClients } from "@relata/sales/client";
import { account, contact, lead } from "@relata/sales/resources";

/**
 * The records partner apps import and export in bulk, by the API's collection name: Sales'
 * accounts, contacts and leads. The one place the bulk jobs name Sales (its resource
 * descriptions, which say the columns, filters and JSON, and its clients' type).
 */
export const SALES_OBJECTS = ["accounts", "contacts", "leads"] as const;
export type SalesObject = (typeof SALES_OBJECTS)[number];

const SALES_RESOURCES = { accounts: account, contacts: contact, leads: lead } as const;

/** The resource of an object, as the kit's helpers take any resource. */
export const resourceOf = (object: SalesObject): AnyResource => SALES_RESOURCES[object] as unknown as AnyResource;

/** Sales' gRPC services: imports write and exports read the records there. */
export type { SalesClients };

import { Metadata } from "@grpc/grpc-js";
import { Unauthenticated } from "./errors";

/** The realm roles of the brief: the one list the gateway, the services and tests share. */
export const ROLES = [
  "platform-admin",
  "tenant-admin",
  "sales-rep",
  "sales-manager",
  "marketer",
  "support-agent",
  "support-manager",
  "kb-editor",
  "analyst",
] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling, for which tenant. The gateway derives it from a verified token and sends it
 * as gRPC metadata; services read it from there and never from a request message.
 */
export interface Identity {
  tenantId: string;
  /** The user (token `sub`) or partner client id. */
  subject: string;
  roles: string[];
  requestId: string;
}

const KEYS = { tenant: "relata-tenant", subject: "relata-subject", roles: "relata-roles", request: "x-request-id" };

/** A tenant id: the one pattern the gateway, the services and the tests check. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function identityToMetadata(identity: Identity, metadata: Metadata = new Metadata()): Metadata {
  metadata.set(KEYS.tenant, identity.tenantId);
  metadata.set(KEYS.subject, identity.subject);
  metadata.set(KEYS.roles, identity.roles.join(","));
  metadata.set(KEYS.request, identity.requestId);
  return metadata;
}

export function identityFromMetadata(metadata: Metadata): Identity {
  const one = (key: string): string => {
    const value = metadata.get(key)[0];
    return typeof value === "string" ? value : "";
  };
  const tenantId = one(KEYS.tenant);
  const subject = one(KEYS.subject);
  if (!TENANT_ID_PATTERN.test(tenantId)) throw new Unauthenticated("missing or malformed tenant in call metadata");
  if (!subject) throw new Unauthenticated("missing subject in call metadata");
  const roles = one(KEYS.roles)
    .split(",")
    .map((r) => r.trim())
    .filter(Boolean);
  return { tenantId, subject, roles, requestId: one(KEYS.request) };
}

import { clientToken, localStack, userToken } from "@relata/testing";

/**
 * A small client for the gateway of the running platform: every call goes over HTTP to the
 * real gateway, with tokens from the real Keycloak.
 */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (a string), instead of JSON-encoding `body`. */
  raw?: string;
  headers?: Record<string, string>;
}

export const gatewayUrl = localStack.gatewayUrl;

export async function call<T = any>(method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: "application/json, application/problem+json", ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  const res = await fetch(gatewayUrl + path, { method, headers, body, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** Demo users of the realm: `<tenant>-<role>`, one platform-admin. */
export const as = (username: string) => userToken(username);
export const partner = (tenant: "acme" | "globex") => clientToken(`${tenant}-partner`, `${tenant}-partner-secret`);

/** A run-unique suffix so tests never depend on data that exists before them. */
export const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let counter = 0;
export function uniqueLead(extra: Record<string, unknown> = {}) {
  const n = ++counter;
  return {
    firstName: "Ada",
    lastName: `Lovelace ${runId} ${n}`,
    email: `ada.${runId}.${n}@example.test`,
    company: `Analytical Engines ${runId} ${n}`,
    title: "Head of Computing",
    ...extra,
  };
}

/** Asserts an RFC 9457 problem. */
export function expectProblem(res: ApiResponse, status: number, field?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { status } });
  expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), detail: expect.any(String), instance: expect.any(String), requestId: expect.any(String) });
  if (field !== undefined) expect(res.body.field).toBe(field);
}

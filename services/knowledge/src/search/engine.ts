import { Client, errors } from "@opensearch-project/opensearch";
import { DependencyUnavailable } from "@relata/platform";

/** The search engine: a client of the OpenSearch cluster (one per process). */
export function searchClient(url: string, credentials?: { username: string; password: string }): Client {
  return new Client({
    node: url,
    ...(credentials ? { auth: credentials } : {}),
    // Fail fast: a request waiting on a dead engine holds an API call or a consumer's message.
    requestTimeout: 5_000,
    pingTimeout: 2_000,
    maxRetries: 1,
  });
}

/** Whether an error means the engine could not be reached (or is not serving): worth a retry later. */
export function isEngineUnavailable(err: unknown): boolean {
  if (err instanceof errors.ConnectionError || err instanceof errors.NoLivingConnectionsError || err instanceof errors.TimeoutError) return true;
  if (err instanceof errors.ResponseError) return err.statusCode === 503 || err.statusCode === 502 || err.statusCode === 429;
  return false;
}

/** The engine's HTTP status of a response error (0 otherwise). */
export const statusOf = (err: unknown): number => (err instanceof errors.ResponseError ? err.statusCode : 0);

/** Runs an engine call for an API request: unreachable becomes DependencyUnavailable (503 with Retry-After at the gateway). */
export async function engineCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isEngineUnavailable(err)) throw new DependencyUnavailable("search engine");
    throw err;
  }
}

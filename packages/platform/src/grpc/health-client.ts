import { Metadata, type Client, type ServiceError } from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";

export type ServingStatus = "SERVING" | "NOT_SERVING" | "UNKNOWN" | "SERVICE_UNKNOWN" | "UNREACHABLE";

const check = healthService.Check!;

/** Asks a channel's grpc.health.v1.Health/Check for one service ("" = the whole server). */
export function checkHealth(channel: Client, service = "", timeoutMs = 1_000): Promise<ServingStatus> {
  return new Promise((resolve) => {
    channel.makeUnaryRequest(
      check.path,
      check.requestSerialize,
      check.responseDeserialize,
      { service },
      new Metadata(),
      { deadline: new Date(Date.now() + timeoutMs) },
      (err: ServiceError | null, response?: { status?: ServingStatus }) => {
        if (err) resolve("UNREACHABLE");
        else resolve(response?.status ?? "UNKNOWN");
      },
    );
  });
}

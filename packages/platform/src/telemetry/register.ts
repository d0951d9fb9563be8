// Loaded before anything else (the first import of each process's main module, or
// `node --require @relata/platform/register`), so that the instrumentations patch http,
// express, grpc and mongodb before the application loads them.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { startTelemetry } from "./sdk";

/** The workload's own package.json (`@relata/<name>` → service "<name>", its version). */
function ownPackage(): { name?: string; version?: string } {
  for (let dir = dirname(require.main?.filename ?? process.argv[1] ?? "."); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
  }
  return {};
}

const pkg = ownPackage();
process.env.OTEL_SERVICE_NAME ??= pkg.name?.replace(/^@relata\//, "");
process.env.RELATA_VERSION ??= pkg.version;
startTelemetry();

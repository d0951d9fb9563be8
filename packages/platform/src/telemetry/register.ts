// Loaded before anything else with `node --require @relata/platform/register`, so that the
// instrumentations patch http, express, grpc and mongodb before the application loads them.
import { startTelemetry } from "./sdk";

startTelemetry();

// Tracing first: the instrumentations patch grpc and mongodb before they are loaded.
import "@relata/platform/register";
import { z } from "zod";
import { ensureIndexes, env, openChannel, promiseClients, type RunningService, runService, Sequence, startOutboxRelay, startRecycleBinPurge } from "@relata/platform";
import { salesServices } from "@relata/sales/client";
import { CASE_HISTORY_DURABLE, startCaseHistoryConsumer } from "./events/case-history";
import { SALES_REFS_DURABLE, startSalesRefsConsumer } from "./events/sales-refs";
import { commentService } from "./rpc/comments";
import { feedbackService } from "./rpc/feedback";
import { settingsService } from "./rpc/settings";
import { SalesRefs } from "./store/sales-refs";
import { ServiceSettingsStore } from "./store/settings";
import { CommentReplies } from "./workflows/comment-replies";
import { SERVICE_STREAM } from "./events/stream";
import { caseService } from "./rpc/cases";
import type { ServiceDeps } from "./rpc/context";
import { createModels, outboxModels } from "./store/models";
import { purgeRecycleBin, serviceRepositories } from "./store/repositories";
import { ENTITLEMENT_DURABLE, startEntitlementConsumer } from "./events/entitlements";
import { entitlementService } from "./rpc/entitlements";
import { appointmentService, bookableResourceService } from "./rpc/scheduling";
import { AppointmentSlots } from "./store/appointment-slots";
import { EntitlementUnits } from "./store/entitlement-units";
import { caseAssignmentService } from "./rpc/assignment";
import { escalationRuleService } from "./rpc/escalation-rules";
import { queueService } from "./rpc/queues";
import { OwnershipClaims } from "./store/assignment";
import { Assignment, ASSIGNMENT_DURABLE, startAssignmentConsumer } from "./workflows/assignment";
import { Escalation, ESCALATION_DURABLE, startEscalationConsumer } from "./workflows/escalation";
import { SlaClock, SLA_DURABLE_PREFIX } from "./events/sla-clock";
import { businessCalendarService, slaPolicyService } from "./rpc/sla-config";
import { createSlaModels, slaOutboxModels, slaRepositories } from "./store/sla-models";

/** Variables the Service reads beyond the platform's common ones. */
export const serviceEnv = {
  /**
   * Publish the events waiting in the outboxes. When false the service still writes every
   * event to its document's outbox but publishes nothing (relay on selected replicas only).
   */
  OUTBOX_RELAY_ENABLED: env.flag(true),
  /** How often the relay sweeps the collections for events left unpublished (after a crash). */
  OUTBOX_SWEEP_INTERVAL_MS: env.durationMs(60_000),
  /** How often the recycle bin is purged of what was deleted more than 30 days ago (also at start). */
  RECYCLE_BIN_PURGE_INTERVAL_MS: env.durationMs(6 * 60 * 60 * 1000),
  /** The durable name of the consumer that gives new cases their entitlement (replicas share it). */
  ENTITLEMENT_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(ENTITLEMENT_DURABLE),
  /**
   * How long a booking may take between claiming its slots and writing its appointment: a claim
   * older than this whose appointment does not exist is left over from a crash, and released.
   */
  APPOINTMENT_CLAIM_GRACE_MS: env.durationMs(60_000),
  /** How often slots left over from a crash (or a cancel or delete cut short) are released. */
  APPOINTMENT_SWEEP_INTERVAL_MS: env.durationMs(60_000),
  /**
   * The durable names of the queue-assignment and escalation consumers. Replicas of one
   * deployment share them (each event is handled by one of them); a second deployment on the
   * same NATS needs its own.
   */
  ASSIGNMENT_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(ASSIGNMENT_DURABLE),
  ESCALATION_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(ESCALATION_DURABLE),
  /** Sales' gRPC address: a case's account and contact missing from the local copy are asked there. */
  SALES_GRPC_ADDR: z.string().min(1).default("127.0.0.1:50051"),
  /** The durable names of the case history's and the Sales copy's consumers (replicas share them; tests take their own). */
  CASE_HISTORY_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(CASE_HISTORY_DURABLE),
  SALES_REFS_DURABLE: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, '-' and '_' only").default(SALES_REFS_DURABLE),
  /** A public reply whose case step is still pending this long after it was written is finished by the sweep. */
  REPLY_SWEEP_AFTER_MS: env.durationMs(30_000),
  /** The SLA clock's durable consumers are `<prefix>-clock`, `-alerts` and `-config` (tests give their own). */
  SLA_DURABLE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, "letters, digits, '-' and '_' only").default(SLA_DURABLE_PREFIX),
};

export type ServiceService = RunningService<typeof serviceEnv>;

/**
 * The composition root: models on the service's own database, the SERVICE stream, the outbox
 * relay and the gRPC services. runService supplies config, logs, health, the database, NATS
 * and shutdown.
 */
export function startService(): Promise<ServiceService> {
  return runService({
    name: "service",
    env: serviceEnv,
    start: async ({ config, db, bus, logger }) => {
      const models = createModels(db);
      const slaModels = createSlaModels(db);
      await ensureIndexes(db);
      await bus.ensureStream(SERVICE_STREAM);

      const { relay, publish } = startOutboxRelay(bus, [...outboxModels(models), ...slaOutboxModels(slaModels)], logger, {
        publish: config.OUTBOX_RELAY_ENABLED,
        sweepIntervalMs: config.OUTBOX_SWEEP_INTERVAL_MS,
      });

      const repos = serviceRepositories(models, publish);

      const salesChannel = openChannel(config.SALES_GRPC_ADDR);
      const salesRefs = new SalesRefs(models.caseExtras.salesRefs, promiseClients(salesServices, salesChannel, { defaultTimeoutMs: 5_000 }), logger.child({ component: "sales-refs" }));
      const deps: ServiceDeps = {
        repos,
        sequence: new Sequence(db),
        logger,
        models,
        publish,
        settings: new ServiceSettingsStore(models.caseExtras.settings),
        salesRefs,
        replies: new CommentReplies(repos, models.caseExtras.comments),
      };
      const replyLogger = logger.child({ component: "reply-sweep" });
      const sweepReplies = () => void deps.replies.resumePending(config.REPLY_SWEEP_AFTER_MS, replyLogger).catch((err: unknown) => {
        replyLogger.warn({ err: String(err) }, "reply sweep failed; will retry");
      });
      const replySweeper = setInterval(sweepReplies, Math.max(1_000, config.REPLY_SWEEP_AFTER_MS));
      replySweeper.unref();
      sweepReplies();
      const assignment = new Assignment(repos, deps.sequence, new OwnershipClaims(db));
      const escalation = new Escalation(repos, models, assignment, publish);
      const assigning = await startAssignmentConsumer(bus, assignment, logger.child({ component: "assignment" }), config.ASSIGNMENT_DURABLE);
      const escalating = await startEscalationConsumer(bus, escalation, logger.child({ component: "escalation" }), config.ESCALATION_DURABLE);
      const caseHistory = await startCaseHistoryConsumer(bus, models.caseExtras.history, logger.child({ component: "case-history" }), config.CASE_HISTORY_DURABLE);
      const salesCopy = await startSalesRefsConsumer(bus, salesRefs, logger.child({ component: "sales-refs" }), config.SALES_REFS_DURABLE);
      const slaRepos = slaRepositories(slaModels, publish);
      const slaClock = await new SlaClock(bus, slaModels, repos, logger.child({ component: "sla-clock" }), config.SLA_DURABLE_PREFIX).start();

      const stopPurge = startRecycleBinPurge({ records: { purgeDeleted: () => purgeRecycleBin(repos) } }, config.RECYCLE_BIN_PURGE_INTERVAL_MS, logger);

      const entitlements = await startEntitlementConsumer(
        bus,
        { repos, entitlements: models.entitlements, units: new EntitlementUnits(models.entitlementUnitClaims) },
        logger.child({ component: "entitlements" }),
        config.ENTITLEMENT_DURABLE,
      );
      const slots = new AppointmentSlots(models.appointmentSlotClaims, models.appointments, config.APPOINTMENT_CLAIM_GRACE_MS);
      const slotLogger = logger.child({ component: "appointment-slots" });
      const sweepSlots = () => void slots.sweep().then(
        (released) => released && slotLogger.info({ released }, "released slots left over from interrupted bookings, cancels or deletes"),
        (err: unknown) => slotLogger.warn({ err: String(err) }, "slot sweep failed; will retry"),
      );
      const slotSweeper = setInterval(sweepSlots, config.APPOINTMENT_SWEEP_INTERVAL_MS);
      slotSweeper.unref();

      return {
        services: [
          caseService(deps),
          entitlementService(deps),
          bookableResourceService(deps, slots),
          appointmentService(deps, slots),
          queueService(deps),
          escalationRuleService(deps),
          caseAssignmentService(deps, assignment),
          commentService(deps),
          feedbackService(deps),
          settingsService(deps),
          businessCalendarService(slaRepos, logger),
          slaPolicyService(slaRepos, logger),
        ],
        // After the gRPC server has drained: nothing may write once the connection closes.
        stop: async () => {
          for (const consumer of slaClock) await consumer.stop();
          clearInterval(slotSweeper);
          await entitlements.stop();
          stopPurge();
          await assigning.stop();
          await escalating.stop();
          clearInterval(replySweeper);
          await caseHistory.stop();
          await salesCopy.stop();
          salesChannel.close();
          await relay.stop();
        },
      };
    },
  });
}

if (require.main === module) {
  startService().catch((err: unknown) => {
    process.stderr.write(`service: failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}

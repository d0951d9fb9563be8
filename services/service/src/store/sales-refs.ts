import { status as GrpcStatus } from "@grpc/grpc-js";
import { DependencyUnavailable, isDuplicateKey, isGrpcError, type CallContext, type Logger } from "@relata/platform";
import type { SalesClients } from "@relata/sales/client";
import type { Model } from "mongoose";
import { resolveParties, type CaseParties, type SalesRef, type SalesRefRecord } from "../domain/sales-refs";

type RefType = SalesRefRecord["type"];

/**
 * What the Service knows of Sales' accounts and contacts: the local copy the `service-sales-refs`
 * consumer builds from Sales' events, and, where the copy would refuse a reference (absent,
 * deleted, a contact on another account), one call to Sales itself, since the copy may lag
 * behind a record Sales has just created, restored or moved. What Sales answers goes into the
 * copy too.
 */
export class SalesRefs {
  constructor(
    private readonly model: Model<SalesRefRecord>,
    private readonly sales: SalesClients,
    private readonly logger: Logger,
  ) {}

  /**
   * Writes what an event (or Sales) says of a record, unless the copy already has that version
   * or a later one. The upsert's filter names the older versions only: when a newer one is
   * stored the insert it falls back to collides with its `_id` and is dropped, so an event
   * redelivered late never rolls the copy back.
   */
  async apply(ref: Omit<SalesRefRecord, "updatedAt">): Promise<boolean> {
    const { _id, tenantId, ...rest } = ref;
    try {
      const result = await this.model.updateOne(
        { _id, tenantId, version: { $lt: ref.version } },
        { $set: { ...rest, updatedAt: new Date() } },
        { upsert: true },
      );
      return result.modifiedCount + result.upsertedCount > 0;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }

  private async local(tenantId: string, type: RefType, id: string): Promise<SalesRef | null> {
    const doc = await this.model.findOne({ _id: id, tenantId, type }).lean<SalesRefRecord>();
    return doc ? { id: doc._id, accountId: doc.accountId, deleted: doc.deleted } : null;
  }

  /** Asks Sales for the record (the caller's identity, so its tenant): null when Sales has none. */
  private async fromSales(ctx: CallContext, type: RefType, id: string): Promise<SalesRef | null> {
    const call = { identity: ctx.identity, deadline: ctx.deadline, signal: ctx.signal };
    try {
      const record = type === "account" ? await this.sales.accounts.getAccount({ id }, call) : await this.sales.contacts.getContact({ id }, call);
      const accountId = "accountId" in record ? record.accountId : "";
      await this.apply({ _id: id, tenantId: ctx.identity.tenantId, type, accountId, deleted: false, version: Number(record.version) });
      return { id, accountId, deleted: false };
    } catch (err) {
      if (isGrpcError(err) && (err.code === GrpcStatus.NOT_FOUND || err.code === GrpcStatus.INVALID_ARGUMENT)) return null;
      this.logger.warn({ err: String(err), type, id }, "Sales could not be asked about a record the local copy lacks");
      throw new DependencyUnavailable("sales service");
    }
  }

  /**
   * The account and contact a case keeps (resolveParties' rules), checked against the copy
   * first and against Sales only when the copy would refuse them.
   */
  async resolve(ctx: CallContext, asked: CaseParties): Promise<CaseParties> {
    const tenantId = ctx.identity.tenantId;
    const [account, contact] = await Promise.all([
      asked.accountId ? this.local(tenantId, "account", asked.accountId) : null,
      asked.contactId ? this.local(tenantId, "contact", asked.contactId) : null,
    ]);
    try {
      return resolveParties(asked, account, contact);
    } catch (refused) {
      const accountOk = !asked.accountId || (account && !account.deleted);
      const contactOk = !asked.contactId || (contact && !contact.deleted && (!asked.accountId || contact.accountId === asked.accountId));
      const [fresherAccount, fresherContact] = await Promise.all([
        accountOk ? account : this.fromSales(ctx, "account", asked.accountId),
        contactOk ? contact : this.fromSales(ctx, "contact", asked.contactId),
      ]);
      if (fresherAccount === account && fresherContact === contact) throw refused;
      return resolveParties(asked, fresherAccount, fresherContact);
    }
  }
}

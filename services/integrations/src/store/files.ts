import type { EventBus, StreamSpec } from "@relata/platform";

/**
 * Files (uploaded imports, export results) kept as JetStream messages: one subject per file, its
 * parts in order. Every replica reads what any replica wrote, a part published twice (a retry)
 * is taken once (its Nats-Msg-Id is the file and offset), and the stream's max age removes what
 * nobody downloads. NATS refuses messages above its max_payload (1 MiB by default): parts are
 * at most FILE_PART_BYTES.
 */
export const FILES_STREAM: StreamSpec = {
  name: "INTEGRATIONS_FILES",
  subjects: ["integrations-files.>"],
  maxAgeMs: 7 * 24 * 3600 * 1000,
};

export const FILE_PART_BYTES = 512 * 1024;

/** Parts fetched ahead while reading: bounds the reader's memory (8 × 512 KiB). */
const READ_AHEAD = 8;

const NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export class FileStore {
  constructor(private readonly bus: EventBus) {}

  static async open(bus: EventBus): Promise<FileStore> {
    await bus.ensureStream(FILES_STREAM);
    return new FileStore(bus);
  }

  private subject(name: string): string {
    if (!NAME.test(name)) throw new Error(`not a file name: ${name}`);
    return `integrations-files.${name}`;
  }

  /**
   * Writes the part of `name` that starts at `offset` (the caller keeps the file's length); the
   * same part again is dropped as a duplicate within the stream's duplicate window.
   */
  async append(name: string, offset: number, data: Uint8Array): Promise<{ duplicate: boolean }> {
    if (data.byteLength > FILE_PART_BYTES) throw new Error(`a file part is at most ${FILE_PART_BYTES} bytes`);
    const { duplicate } = await this.bus.publish(this.subject(name), data, { msgId: `${name}:${offset}` });
    return { duplicate };
  }

  /** The file's parts in order, as written when the read starts; nothing for a file never written. */
  async *read(name: string): AsyncIterable<Uint8Array> {
    const subject = this.subject(name);
    const last = await this.lastSequence(subject);
    if (last === 0) return;
    const consumer = await this.bus.js.consumers.get(FILES_STREAM.name, { filter_subjects: [subject] });
    const messages = await consumer.consume({ max_messages: READ_AHEAD });
    try {
      for await (const msg of messages) {
        yield msg.data;
        if (msg.seq >= last) break;
      }
    } finally {
      await messages.close();
    }
  }

  /** Removes every part of the file. */
  async remove(name: string): Promise<void> {
    await this.bus.jsm.streams.purge(FILES_STREAM.name, { filter: this.subject(name) });
  }

  private async lastSequence(subject: string): Promise<number> {
    try {
      const last = await this.bus.jsm.streams.getMessage(FILES_STREAM.name, { last_by_subj: subject });
      return last?.seq ?? 0;
    } catch (err) {
      if (/no message found|not found/i.test(String(err))) return 0;
      throw err;
    }
  }
}

import { randomUUID } from "node:crypto";
import { createLogger, EventBus } from "@relata/platform";
import { localStack } from "@relata/testing";
import { FILE_PART_BYTES, FileStore } from "../../src/store/files";

const logger = createLogger("files-test", "silent");
let bus: EventBus;
let files: FileStore;

beforeAll(async () => {
  bus = await EventBus.connect(localStack.natsUrl, "files-test", logger);
  files = await FileStore.open(bus);
});

afterAll(async () => {
  await bus.close();
});

async function readAll(name: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of files.read(name)) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

describe("files on JetStream", () => {
  it("reads back the parts in order, takes a part sent twice once, and removes them", async () => {
    const name = `test.${randomUUID()}`;
    const first = Buffer.alloc(FILE_PART_BYTES, "a");
    const second = Buffer.from("the end\n");
    await files.append(name, 0, first);
    expect(await files.append(name, 0, first)).toEqual({ duplicate: true });
    await files.append(name, first.length, second);
    // Another file's parts in between are not this file's.
    await files.append(`test.${randomUUID()}`, 0, Buffer.from("other"));
    expect((await readAll(name)).equals(Buffer.concat([first, second]))).toBe(true);

    await files.remove(name);
    expect((await readAll(name)).length).toBe(0);
  });

  it("gives nothing for a file never written and refuses a name that is not a subject token", async () => {
    expect((await readAll(`test.${randomUUID()}`)).length).toBe(0);
    await expect(files.append("a b", 0, Buffer.from("x"))).rejects.toThrow(/not a file name/);
    await expect(files.append("ok", 0, Buffer.alloc(FILE_PART_BYTES + 1))).rejects.toThrow(/at most/);
  });
});

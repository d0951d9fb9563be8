import { inParts } from "../../src/http/parts";

async function collect(parts: AsyncIterable<Uint8Array>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const part of parts) out.push([...part]);
  return out;
}

async function* chunks(...sizes: number[]): AsyncGenerator<Uint8Array> {
  let next = 0;
  for (const size of sizes) yield Uint8Array.from({ length: size }, () => next++);
}

describe("inParts", () => {
  it("cuts chunks of any size into parts of exactly the size, the last one shorter, keeping every byte in order", async () => {
    const parts = await collect(inParts(chunks(3, 10, 1, 0, 6), 4));
    expect(parts.map((p) => p.length)).toEqual([4, 4, 4, 4, 4]);
    expect(parts.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect((await collect(inParts(chunks(5), 4))).map((p) => p.length)).toEqual([4, 1]);
  });

  it("yields nothing for an empty source", async () => {
    expect(await collect(inParts(chunks(), 4))).toEqual([]);
    expect(await collect(inParts(chunks(0, 0), 4))).toEqual([]);
  });

  it("reads the source only as far as the part taken needs (backpressure)", async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < 100; i++) {
        pulled++;
        yield new Uint8Array(3);
      }
    }
    const parts = inParts(source(), 6)[Symbol.asyncIterator]();
    await parts.next();
    expect(pulled).toBe(2);
    await parts.next();
    expect(pulled).toBe(4);
    await parts.return?.(undefined);
  });

  it("hands out parts that later chunks do not overwrite", async () => {
    const kept: Uint8Array[] = [];
    for await (const part of inParts(chunks(8), 2)) kept.push(part);
    expect(kept.map((p) => [...p])).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]]);
  });

  it("refuses a part size that is not a positive integer", async () => {
    await expect(collect(inParts(chunks(1), 0))).rejects.toThrow(/positive integer/);
  });
});

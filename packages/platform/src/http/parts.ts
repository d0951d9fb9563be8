/**
 * Cuts a stream of chunks of any size into parts of exactly `partBytes` (the last one shorter),
 * holding at most one part in memory: the next chunk is read only once the part before was
 * taken, so a slow consumer of the parts slows the reading of the source (backpressure).
 */
export async function* inParts(source: AsyncIterable<Uint8Array>, partBytes: number): AsyncGenerator<Uint8Array> {
  if (!Number.isInteger(partBytes) || partBytes <= 0) throw new Error("partBytes must be a positive integer");
  let part = new Uint8Array(partBytes);
  let filled = 0;
  for await (const chunk of source) {
    let at = 0;
    while (at < chunk.byteLength) {
      const take = Math.min(partBytes - filled, chunk.byteLength - at);
      part.set(chunk.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === partBytes) {
        yield part;
        part = new Uint8Array(partBytes);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield part.subarray(0, filled);
}

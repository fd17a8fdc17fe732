/** Drain an async iterable into an array (Array.fromAsync is not in Node 20). */
export async function toArray<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

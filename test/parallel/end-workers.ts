/** Test helper: end the worker threads of local[threads] right after the first request of kind `t` is sent, while it is in flight. */
import { partitionWorkers } from "../../src/parallel/partition-workers.js";

export function endWorkersOnFirst(threads: number, t: string): { ended(): Promise<void>; sent(): boolean } {
  const pool = partitionWorkers(threads);
  const request = pool.request.bind(pool);
  let ended: Promise<void> | undefined;
  pool.request = ((w, m, transfer) => {
    const r = request(w, m, transfer);
    if (m.t === t) {
      Reflect.deleteProperty(pool, "request");
      ended = pool.terminate();
    }
    return r;
  }) as typeof request;
  return { ended: async () => await ended, sent: () => !Object.hasOwn(pool, "request") };
}

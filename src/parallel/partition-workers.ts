/**
 * The worker threads of `local[N]` (spark.master): partition p of every stateful operator is
 * owned by worker p % N for the life of the process, so its state stays in that thread between
 * batches; one pool per thread count, started on first use. Requests to a worker are answered in
 * order; a worker that dies fails every request in flight with PARTITION_WORKER_FAILED (its
 * stores are reopened from the checkpoint files by a later run). Idle workers are unref()ed, so
 * they never keep the process alive.
 */
import type { Worker } from "node:worker_threads";
import { SluiceError } from "../common/errors.js";
import { fromWireError, spawnWorkerEntry } from "../common/worker-thread.js";
import { hadoopConfInEffect } from "../fs/file-systems.js";
import type { FromWorker, ToWorker, WithHadoopConf } from "./partition-protocol.js";

type Request = ToWorker extends infer M ? (M extends { id: number } ? Omit<M, "id"> : never) : never;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

class PartitionWorker {
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #worker: Worker | null = null;

  private worker(): Worker {
    if (this.#worker) return this.#worker;
    const w = spawnWorkerEntry(import.meta.url, "partition-worker");
    w.unref();
    w.on("message", (m: FromWorker) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (this.#pending.size === 0) w.unref();
      if (m.t === "ok") p.resolve(m.result);
      else p.reject(fromWireError(m.error));
    });
    const fail = (why: string): void => {
      if (this.#worker !== w) return;
      this.#worker = null;
      const pending = [...this.#pending.values()];
      this.#pending.clear();
      for (const p of pending) p.reject(new SluiceError("execution", "PARTITION_WORKER_FAILED", `A partition worker thread failed (${why}); the batch it was running fails and re-runs on restart`));
    };
    w.on("error", (e) => fail(e.message));
    w.on("exit", (code) => fail(`exit code ${code}`));
    this.#worker = w;
    return w;
  }

  /** End the thread, if started: its requests in flight fail as for a thread that died. */
  async terminate(): Promise<void> {
    await this.#worker?.terminate();
  }

  request<T>(m: Request, transfer: ArrayBuffer[] = []): Promise<T> {
    const w = this.worker();
    const id = this.#nextId++;
    if (this.#pending.size === 0) w.ref();
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ ...m, id, hadoopConf: hadoopConfInEffect() } satisfies ToWorker & WithHadoopConf, transfer);
    });
  }
}

export class PartitionWorkers {
  readonly #workers: PartitionWorker[];

  constructor(readonly threads: number) {
    this.#workers = Array.from({ length: threads }, () => new PartitionWorker());
  }

  ownerOf(partition: number): number {
    return partition % this.threads;
  }

  /** The partitions of 0..numPartitions-1 that worker `w` owns. */
  partitionsOf(w: number, numPartitions: number): number[] {
    const out: number[] = [];
    for (let p = w; p < numPartitions; p += this.threads) out.push(p);
    return out;
  }

  request<T>(w: number, m: Request, transfer?: ArrayBuffer[]): Promise<T> {
    return this.#workers[w]!.request<T>(m, transfer);
  }

  /**
   * End every thread of the pool, as a crash would: requests in flight fail with
   * PARTITION_WORKER_FAILED, the state the threads held is gone (a later run reopens it from the
   * checkpoint files), and the next request starts a new thread.
   */
  async terminate(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  /** Drop a query run's stores in every worker (its checkpoint files stay). */
  async release(run: string): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.request({ t: "release", run }).catch(() => undefined)));
  }
}

const pools = new Map<number, PartitionWorkers>();

/** The process's pool of `threads` partition workers. */
export function partitionWorkers(threads: number): PartitionWorkers {
  let p = pools.get(threads);
  if (!p) pools.set(threads, (p = new PartitionWorkers(threads)));
  return p;
}

/**
 * Listener events, delivered in Spark's order for each query: started, then progress / idle per
 * trigger, then terminated. Listeners are called asynchronously from the query loop (a slow or
 * failing listener never stalls or fails a query); errors are reported on stderr.
 */
import { log } from "../../common/logger.js";
import type { StreamingQueryListener } from "../../dataframe/streaming-query-types.js";

export type { QueryIdleEvent, QueryProgressEvent, QueryStartedEvent, QueryTerminatedEvent, StreamingQueryListener } from "../../dataframe/streaming-query-types.js";

type EventName = keyof StreamingQueryListener;

export class ListenerBus {
  readonly #listeners = new Set<StreamingQueryListener>();
  /** Events are delivered one after another, in post order. */
  #queue: Promise<void> = Promise.resolve();

  add(l: StreamingQueryListener): void {
    this.#listeners.add(l);
  }
  remove(l: StreamingQueryListener): void {
    this.#listeners.delete(l);
  }

  post<E extends EventName>(name: E, event: Parameters<NonNullable<StreamingQueryListener[E]>>[0]): void {
    const listeners = [...this.#listeners];
    this.#queue = this.#queue.then(async () => {
      for (const l of listeners) {
        const fn = l[name] as ((e: typeof event) => void | Promise<void>) | undefined;
        if (!fn) continue;
        try {
          await fn.call(l, event);
        } catch (e) {
          log.error(`streaming listener ${name} failed: ${(e as Error).message}`);
        }
      }
    });
  }

  /** Resolves when every event posted so far has been delivered. */
  drain(): Promise<void> {
    return this.#queue;
  }
}

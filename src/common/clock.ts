/**
 * Time for the streaming loop. SystemClock uses wall time; ManualClock only moves when a test
 * calls `advance`, which wakes every waiter whose deadline has passed.
 */
export interface Clock {
  now(): number;
  /** Resolve at `deadlineMs` (or at once if it has passed); reject if the signal aborts. */
  waitUntil(deadlineMs: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Run `onAbort` if `signal` aborts before the wait ends; returns the function that ends the wait
 * and removes the listener (a wait that ends by time must not leave one behind: a processingTime
 * trigger waits once per interval on the query's signal).
 */
function abortable(signal: AbortSignal | undefined, onAbort: () => void): () => void {
  if (!signal) return () => undefined;
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  waitUntil(deadlineMs: number, signal?: AbortSignal): Promise<void> {
    const delay = deadlineMs - Date.now();
    if (delay <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        release();
        resolve();
      }, delay);
      const release = abortable(signal, () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}

export class ManualClock implements Clock {
  #now: number;
  #waiters: { deadline: number; resolve: () => void }[] = [];

  constructor(startMs = 0) {
    this.#now = startMs;
  }
  now(): number {
    return this.#now;
  }
  waitUntil(deadlineMs: number, signal?: AbortSignal): Promise<void> {
    if (deadlineMs <= this.#now || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const w = {
        deadline: deadlineMs,
        resolve: () => {
          release();
          resolve();
        },
      };
      this.#waiters.push(w);
      const release = abortable(signal, () => {
        this.#waiters = this.#waiters.filter((x) => x !== w);
        resolve();
      });
    });
  }
  /** Move time forward and wake the waiters that are due. */
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#waiters.filter((w) => w.deadline <= this.#now);
    this.#waiters = this.#waiters.filter((w) => w.deadline > this.#now);
    for (const w of due) w.resolve();
  }
  /** True when some waiter is blocked on this clock (the query is waiting for time to pass). */
  get isWaiting(): boolean {
    return this.#waiters.length > 0;
  }
}

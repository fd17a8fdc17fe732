/**
 * PySpark's Observation: the named metrics of a batch DataFrame. `df.observe(observation, ...metrics)`
 * attaches it; `await observation.get()` gives the metrics row once the first action over that
 * DataFrame has read all its rows (later actions leave it unchanged, as in Spark). A streaming
 * query reports its metrics per batch in progress instead (`df.observe(name, ...)`).
 */
import { randomUUID } from "node:crypto";
import { analysisError } from "../common/errors.js";
import type { ObservationSink } from "../plan/logical-plan.js";

export type Row = Record<string, unknown>;

/** PySpark's `Observation`: named metrics of a batch DataFrame — `df.observe(observation, ...metrics)`, then `await observation.get()`. */
export class Observation implements ObservationSink {
  readonly name: string;
  #attached = false;
  #row: Row | null = null;
  readonly #waiting: ((row: Row) => void)[] = [];

  constructor(name?: string) {
    if (name !== undefined && (typeof name !== "string" || name === "")) {
      throw analysisError("INVALID_OBSERVATION_NAME", `An Observation's name must be a non-empty string, got ${JSON.stringify(name)}.`);
    }
    this.name = name ?? randomUUID();
  }

  /** @internal df.observe(this, ...): an Observation serves one DataFrame only. */
  attach(streaming: boolean): void {
    if (streaming) {
      throw analysisError(
        "UNSUPPORTED_FEATURE.OBSERVATION_ON_STREAMING",
        "Observation does not support streaming DataFrames: a streaming query observes its metrics per micro-batch. Use df.observe(name, ...) and read them from query.lastProgress.observedMetrics or a listener's onQueryProgress.",
      );
    }
    if (this.#attached) throw analysisError("OBSERVATION_ALREADY_USED", `The Observation '${this.name}' is already used by a DataFrame; create a new Observation for each observe().`);
    this.#attached = true;
  }

  /** @internal the first completed run's metrics row. */
  onObserved(row: Row): void {
    if (this.#row !== null) return;
    this.#row = row;
    for (const w of this.#waiting.splice(0)) w(row);
  }

  /** The metrics row, once an action over the observed DataFrame has run. */
  get(): Promise<Row> {
    if (!this.#attached) return Promise.reject(analysisError("NO_OBSERVE_BEFORE_GET", `The Observation '${this.name}' was not used: call df.observe(observation, ...metrics) and run an action on that DataFrame first.`));
    if (this.#row !== null) return Promise.resolve(this.#row);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

/**
 * Triggers (API.md "Writing a stream"): `{}` runs the next batch as soon as the previous one ends;
 * `{ processingTime: "10 seconds" }` starts batches on interval boundaries; `{ once: true }` runs one
 * batch of everything available; `{ availableNow: true }` runs everything available at start in as
 * many batches as the read limits require, then stops; `{ continuous: "1 second" }` runs a
 * stateless query continuously, checkpointing once per interval (continuous-execution.ts).
 */
import { configError } from "../../common/errors.js";
import { parseIntervalMs } from "../../common/duration.js";
import type { TriggerSpec } from "../../dataframe/executor.js";

export type Trigger =
  | { readonly kind: "processingTime"; readonly intervalMs: number }
  | { readonly kind: "once" }
  | { readonly kind: "availableNow" }
  | { readonly kind: "continuous"; readonly intervalMs: number };

export function parseTrigger(spec: TriggerSpec): Trigger {
  const keys = Object.keys(spec);
  if (keys.length === 0) return { kind: "processingTime", intervalMs: 0 };
  if (keys.length > 1) throw configError("INVALID_TRIGGER", `A trigger takes exactly one of processingTime, once, availableNow, continuous; got ${keys.join(", ")}`);
  if ("processingTime" in spec) {
    const ms = typeof spec.processingTime === "number" ? spec.processingTime : parseIntervalMs(spec.processingTime);
    if (!(ms >= 0)) throw configError("INVALID_TRIGGER", `processingTime must be a non-negative interval, got ${spec.processingTime}`);
    return { kind: "processingTime", intervalMs: ms };
  }
  if ("once" in spec && spec.once === true) return { kind: "once" };
  if ("availableNow" in spec && spec.availableNow === true) return { kind: "availableNow" };
  if ("continuous" in spec) {
    const c = spec.continuous as string | number;
    const ms = typeof c === "number" ? c : parseIntervalMs(c);
    if (!(ms >= 0)) throw configError("INVALID_TRIGGER", `The interval of a continuous trigger should not be negative, got ${c}`);
    return { kind: "continuous", intervalMs: ms };
  }
  throw configError("INVALID_TRIGGER", `Unknown trigger ${JSON.stringify(spec)}; use {}, {processingTime}, {once: true} or {availableNow: true}`);
}

/**
 * A Spark time conf in milliseconds: a bare number is milliseconds (Spark's default unit for
 * these confs), else an interval such as "10s" or "200 milliseconds". Bad text names the key.
 */
export function parseTimeConfMs(key: string, value: string): number {
  const ms = /^\s*\d+\s*$/.test(value) ? Number(value) : (() => {
    try {
      return parseIntervalMs(value);
    } catch {
      return Number.NaN;
    }
  })();
  if (!(ms >= 0)) throw configError("INVALID_CONF_VALUE", `${key} must be a non-negative time (milliseconds, or an interval such as "10s"), got ${JSON.stringify(value)}`, { key });
  return ms;
}

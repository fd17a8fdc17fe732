/**
 * Streaming dropDuplicates / dropDuplicatesWithinWatermark (Spark's StreamingDeduplicateExec and
 * StreamingDeduplicateWithinWatermarkExec). Per batch:
 *   1. drop late rows (event time ≤ the previous batch's watermark) and count them;
 *   2. emit a row when its key is not in state, then remember the key — with its event time
 *      (dropDuplicates: the event time is one of the keys) or its expiry = event time + delay
 *      (withinWatermark: state lives until the watermark passes the expiry), both in µs;
 *   3. evict state whose event time / expiry ≤ this batch's watermark; commit the store, reporting
 *      the duplicates dropped as Spark's custom metric numDroppedDuplicateRows.
 * Without a watermark on a key, dedup state grows without bound (as in Spark; flagged at start).
 */
import { type ColumnBatch, filterBatch, getValue } from "../../columnar/column-batch.js";
import type { ExecutionPlan, TaskContext } from "../../physical/execution-plan.js";
import { GroupKeyEncoder } from "../../physical/hash/group-key-encoder.js";
import { StructType } from "../../types/struct-type.js";
import { atOrBelowWatermark, eventTimeUs } from "./event-time.js";
import { type StatefulContext, commitAndReport } from "./stateful-context.js";
import { stateKey } from "./state-key.js";

export interface DeduplicateSpec {
  readonly operatorId: number;
  readonly keys: readonly number[];
  /** Input column holding the watermarked event time (µs), if any. */
  readonly eventTimeIndex: number | undefined;
  /** Set for dropDuplicatesWithinWatermark: the watermark delay. */
  readonly withinWatermarkDelayMs: number | undefined;
}

const VALUE_SCHEMA = StructType.fromDDL("t BIGINT");

export class StreamingDeduplicateExec implements ExecutionPlan {
  readonly name = "StreamingDeduplicateExec";
  readonly children: readonly ExecutionPlan[];

  constructor(
    readonly child: ExecutionPlan,
    readonly spec: DeduplicateSpec,
    readonly state: StatefulContext,
  ) {
    this.children = [child];
  }

  get schema(): StructType {
    return this.child.schema;
  }

  describe(): string {
    const cols = this.spec.keys.map((k) => this.child.schema.fields[k]!.name).join(", ");
    return `${this.spec.withinWatermarkDelayMs === undefined ? "StreamingDeduplicateExec" : "StreamingDeduplicateWithinWatermarkExec"}: [${cols}]`;
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const { spec, state } = this;
    const within = spec.withinWatermarkDelayMs !== undefined;
    const keySchema = new StructType(spec.keys.map((k) => this.child.schema.fields[k]!));
    const provider = state.provider(spec.operatorId, { keySchema, valueSchema: VALUE_SCHEMA });
    const store = await provider.getStore(state.batchId);
    const t0 = performance.now();
    let dropped = 0;
    let duplicates = 0;
    const useWatermark = state.hasWatermark && spec.eventTimeIndex !== undefined;
    const encoder = new GroupKeyEncoder(spec.keys.map((k) => this.child.schema.fields[k]!.type), { keepKeys: false });
    let decided: Uint8Array = new Uint8Array(1024);
    for await (const batch of this.child.execute(ctx)) {
      const keep = new Uint8Array(batch.numRows);
      const late = useWatermark ? new Uint8Array(batch.numRows) : null;
      let lateInBatch = 0;
      const keyCols = spec.keys.map((k) => batch.columns[k]!);
      const et = spec.eventTimeIndex === undefined ? null : batch.columns[spec.eventTimeIndex]!;
      // Typed hash tables find each distinct key of the batch; the state is consulted once per key.
      const gids = encoder.encode(keyCols, batch.numRows);
      for (let i = 0; i < batch.numRows; i++) {
        const tUs = et ? eventTimeUs(et, i) : null;
        if (late && tUs !== null && atOrBelowWatermark(tUs, state.lateEventsWatermarkMs)) {
          late[i] = 1;
          lateInBatch++;
          continue;
        }
        const gid = gids[i]!;
        if (decided[gid] === 1) {
          duplicates++; // its key was kept or found in state earlier in this batch
          continue;
        }
        decided = ensure(decided, gid);
        decided[gid] = 1;
        const key = stateKey(keyCols.map((c) => getValue(c, i)));
        if (store.get(key) !== undefined) {
          duplicates++;
          continue;
        }
        store.put(key, [within ? (tUs ?? 0) + spec.withinWatermarkDelayMs! * 1000 : (tUs ?? 0)]);
        keep[i] = 1;
      }
      dropped += lateInBatch;
      if (late && state.lateRows && lateInBatch > 0) state.lateRows(spec.operatorId, filterBatch(batch, late));
      yield filterBatch(batch, keep);
    }
    const updateMs = performance.now() - t0;
    const t1 = performance.now();
    // State is bounded only when the event time is a key (or for withinWatermark), as in Spark.
    const evictable = useWatermark && (within || spec.keys.includes(spec.eventTimeIndex!));
    if (evictable) {
      const evict: string[] = [];
      for await (const chunk of store.scanChunks()) for (const [k, v] of chunk) if (atOrBelowWatermark(v[0] as number, state.evictionWatermarkMs)) evict.push(k);
      for (const k of evict) store.remove(k);
    }
    const removalMs = performance.now() - t1;
    await commitAndReport(state, spec.operatorId, provider, store, { operatorName: within ? "dedupeWithinWatermark" : "dedupe", updateMs, removalMs, droppedByWatermark: dropped, customMetrics: { numDroppedDuplicateRows: duplicates } });
  }
}

/** Grow a per-group flag array to hold index `i`. */
function ensure(a: Uint8Array, i: number): Uint8Array {
  if (i < a.length) return a;
  const b = new Uint8Array(Math.max(i + 1, a.length * 2));
  b.set(a);
  return b;
}

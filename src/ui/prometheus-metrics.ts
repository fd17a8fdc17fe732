/**
 * `/metrics`: every recorded query's newest progress as Prometheus gauges, and sums over all its
 * batches as counters, with prom-client (its own registry per UI, so sessions never share one).
 * Names are the progress fields in snake case under `sluice_streaming_` (numInputRows →
 * sluice_streaming_num_input_rows); labels: query_id, run_id, query_name, plus operator, source or
 * phase where a field is per operator, source or duration phase. docs/ui.md lists them.
 */
import { Counter, Gauge, Registry } from "prom-client";
import { batchMetrics } from "../streaming/progress/batch-metrics.js";
import type { UiQueryStore } from "./query-store.js";

const Q = ["query_id", "run_id", "query_name"] as const;

export function prometheusHandler(store: UiQueryStore): () => Promise<{ contentType: string; body: string }> {
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, extra: readonly L[] = []) => new Gauge({ name: `sluice_streaming_${name}`, help, labelNames: [...Q, ...extra], registers: [registry] });
  const counter = (name: string, help: string) => new Counter({ name: `sluice_streaming_${name}`, help, labelNames: Q, registers: [registry] });
  const g = {
    active: gauge("query_active", "1 while the query runs, else 0"),
    batchId: gauge("batch_id", "batchId of the newest progress"),
    numInputRows: gauge("num_input_rows", "numInputRows of the newest batch"),
    inputRate: gauge("input_rows_per_second", "inputRowsPerSecond of the newest batch"),
    processRate: gauge("processed_rows_per_second", "processedRowsPerSecond of the newest batch"),
    batchDuration: gauge("batch_duration_ms", "batchDuration of the newest batch (ms)"),
    durationMs: gauge("duration_ms", "durationMs of the newest batch per phase (ms)", ["phase"]),
    watermark: gauge("event_time_watermark_ms", "eventTime.watermark of the newest batch (ms since the epoch)"),
    watermarkDelay: gauge("watermark_delay_ms", "trigger start minus eventTime.watermark (ms)"),
    stateRows: gauge("state_num_rows_total", "stateOperators[].numRowsTotal", ["operator"]),
    stateUpdated: gauge("state_num_rows_updated", "stateOperators[].numRowsUpdated", ["operator"]),
    stateRemoved: gauge("state_num_rows_removed", "stateOperators[].numRowsRemoved", ["operator"]),
    stateMemory: gauge("state_memory_used_bytes", "stateOperators[].memoryUsedBytes", ["operator"]),
    stateDropped: gauge("state_num_rows_dropped_by_watermark", "stateOperators[].numRowsDroppedByWatermark", ["operator"]),
    sourceRows: gauge("source_num_input_rows", "sources[].numInputRows", ["source"]),
    sourceRate: gauge("source_input_rows_per_second", "sources[].inputRowsPerSecond", ["source"]),
    sourceProcessRate: gauge("source_processed_rows_per_second", "sources[].processedRowsPerSecond", ["source"]),
    sourceLag: gauge("source_lag", "offsets a source trails its latest offset by", ["source"]),
    sinkRows: gauge("sink_num_output_rows", "sink.numOutputRows of the newest batch"),
  };
  const c = {
    batches: counter("batches_total", "batches reported"),
    inputRows: counter("input_rows_total", "numInputRows summed over batches"),
    outputRows: counter("output_rows_total", "sink.numOutputRows summed over batches"),
    lateRows: counter("late_rows_total", "numRowsDroppedByWatermark summed over batches and operators"),
  };
  return async () => {
    registry.resetMetrics();
    for (const { summary, last, totals } of store.runs()) {
      const q = { query_id: summary.id, run_id: summary.runId, query_name: summary.name ?? "" };
      g.active.set(q, summary.state === "RUNNING" ? 1 : 0);
      c.batches.inc(q, totals.batches);
      c.inputRows.inc(q, totals.inputRows);
      c.outputRows.inc(q, totals.outputRows);
      c.lateRows.inc(q, totals.lateRows);
      if (!last) continue;
      const m = batchMetrics(last);
      g.batchId.set(q, last.batchId);
      g.numInputRows.set(q, last.numInputRows);
      g.inputRate.set(q, last.inputRowsPerSecond);
      g.processRate.set(q, last.processedRowsPerSecond);
      g.batchDuration.set(q, last.batchDuration);
      for (const [phase, ms] of Object.entries(m.durationMs)) g.durationMs.set({ ...q, phase }, ms);
      if (m.watermarkMs !== null) g.watermark.set(q, m.watermarkMs);
      if (m.watermarkDelayMs !== null) g.watermarkDelay.set(q, m.watermarkDelayMs);
      last.stateOperators.forEach((o, i) => {
        const l = { ...q, operator: `${i}:${o.operatorName}` };
        g.stateRows.set(l, o.numRowsTotal);
        g.stateUpdated.set(l, o.numRowsUpdated);
        g.stateRemoved.set(l, o.numRowsRemoved);
        g.stateMemory.set(l, o.memoryUsedBytes);
        g.stateDropped.set(l, o.numRowsDroppedByWatermark);
      });
      last.sources.forEach((s, i) => {
        const l = { ...q, source: `${i}:${s.description}` };
        g.sourceRows.set(l, s.numInputRows);
        g.sourceRate.set(l, s.inputRowsPerSecond);
        g.sourceProcessRate.set(l, s.processedRowsPerSecond);
        const lag = m.sources[i]!.lag;
        if (lag !== null) g.sourceLag.set(l, lag);
      });
      g.sinkRows.set(q, last.sink.numOutputRows);
    }
    return { contentType: registry.contentType, body: await registry.metrics() };
  };
}

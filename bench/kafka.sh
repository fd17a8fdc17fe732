#!/usr/bin/env bash
# Kafka benchmark: Sluice vs PySpark local[2] on the same broker and the same topics, one engine
# at a time, reported as ratios (bench/kafka-compare.ts):
#   1. kafka-to-delta: BENCH_KAFKA_EVENTS (default 200000) JSON events in a 4-partition topic,
#      read with maxOffsetsPerTrigger=50000 and Trigger.AvailableNow into a Delta table: rows/s.
#   1b. kafka-sink (Sluice only): the same topic copied to another, at-least-once and with
#      kafka.transactional, 50000 records a micro-batch: rows/s.
#   2. latency-<trigger>: a Kafka -> Kafka map query (micro-batch default trigger with
#      asyncProgressTrackingEnabled, and continuous "1 second") while events arrive at
#      BENCH_KAFKA_RATE per second (default 10000, the issue's rate) for
#      BENCH_KAFKA_SECONDS (default 10): p50/p99 of output record time - input record time, and
#      the micro-batches' median triggerExecution (the per-batch cost at that rate).
# BENCH_KAFKA_CASES=latency runs only 2 (BENCH_KAFKA_ENGINES=sluice: without PySpark); each Sluice
# latency run also prints its process's stalls (event-loop delay, GC pauses by kind) and the
# micro-batches' p99/max triggerExecution.
# Uses the broker at $KAFKA_BOOTSTRAP, else starts one (stopped when this script ends).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_KAFKA_EVENTS:-200000}
RATE=${BENCH_KAFKA_RATE:-10000}
SECS=${BENCH_KAFKA_SECONDS:-10}
CASES=${BENCH_KAFKA_CASES:-all}
ENGINES=${BENCH_KAFKA_ENGINES:-sluice pyspark}
case "$CASES" in all | latency) ;; *) echo "BENCH_KAFKA_CASES must be all or latency, got $CASES" >&2; exit 2 ;; esac
bash scripts/oracle/setup.sh >/dev/null
bash scripts/kafka/setup.sh >/dev/null
TS=(npx tsx bench/kafka-bench.ts)
PY=.oracle/venv/bin/python
if [ -z "${KAFKA_BOOTSTRAP:-}" ]; then
  line=$("${TS[@]}" broker $$ | tail -1)
  KAFKA_BOOTSTRAP=$(echo "$line" | sed -E 's/KAFKA_BOOTSTRAP=([^ ]+).*/\1/')
  BROKER_PID=$(echo "$line" | sed -E 's/.*BROKER_PID=([0-9]+).*/\1/')
  trap 'kill "$BROKER_PID" 2>/dev/null || true' EXIT
fi
B=$KAFKA_BOOTSTRAP
RUN=$(date +%s)
results=$(mktemp)

if [ "$CASES" = all ]; then
  topic=bench-in-$RUN
  "${TS[@]}" produce "$B" "$topic" "$N"
  "${TS[@]}" throughput "$B" "$topic" "$N" | tee -a "$results"
  $PY bench/pyspark_kafka_bench.py throughput "$B" "$topic" "$N" 2>/dev/null | tee -a "$results"
  for tx in false true; do "${TS[@]}" sink "$B" "$topic" "$N" "$tx" 2>/dev/null | tee -a "$results"; done
fi

# Latency: the engine starts and runs its first trigger (READY on stderr), then the feed runs; the
# query stops 5 s after the feed ended (the stop file), however long the feed took to start on a
# busy machine (a fixed window once ended before a slow feed's first events).
latency() { # engine trigger
  local in=lat-in-$1-$2-$RUN out=lat-out-$1-$2-$RUN err stop
  "${TS[@]}" produce "$B" "$in" 0
  "${TS[@]}" produce "$B" "$out" 0
  err=$(mktemp)
  stop=$(mktemp -u)
  if [ "$1" = sluice ]; then "${TS[@]}" stream "$B" "$in" "$out" "$2" "$stop" 2>"$err" | tee -a "$results" &
  else $PY bench/pyspark_kafka_bench.py stream "$B" "$in" "$out" "$2" "$stop" 2>"$err" >>"$results" & fi
  local pid=$!
  until grep -q READY "$err"; do kill -0 "$pid" 2>/dev/null || { cat "$err"; exit 1; }; sleep 0.2; done
  echo "{\"engine\":\"$1\",\"case\":\"load-$2\",\"loadAverage\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" | tee -a "$results"
  "${TS[@]}" feed "$B" "$in" "$RATE" "$SECS"
  touch "$stop"
  wait "$pid"
  rm -f "$err" "$stop"
  "${TS[@]}" latency-report "$B" "$in" "$out" "$1:$2" | tee -a "$results"
}
for trig in micro-batch continuous; do
  for engine in $ENGINES; do latency "$engine" "$trig"; done
done
npx tsx bench/kafka-compare.ts "$results"

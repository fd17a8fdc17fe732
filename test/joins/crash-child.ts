/**
 * Child process for test/joins/crash.test.ts: two JSON file streams → a left outer stream-stream
 * join with a time range ("join"), or one stream → flatMapGroupsWithState sessions with an
 * event-time timeout ("groups"), → JSON file sink with a checkpoint, trigger availableNow. Prints
 * DONE when every file present at start is processed; the parent SIGKILLs it at random moments.
 * Usage: crash-child.ts join|groups IN OUT CHECKPOINT   (IN holds left/ and right/)
 */
import { join } from "node:path";
import { type GroupState, Session, expr } from "../../src/index.js";

const [mode, inDir, outDir, chkDir] = process.argv.slice(2) as [string, string, string, string];
const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
const side = (name: string, schema: string, ts: string) => spark.readStream.schema(schema).option("maxFilesPerTrigger", 1).json(join(inDir, name)).withWatermark(ts, "5 seconds");
const left = side("left", "lk INT, lt TIMESTAMP, li INT", "lt");
const query =
  mode === "join"
    ? left.join(side("right", "rk INT, rt TIMESTAMP, ri INT", "rt"), expr("lk = rk AND rt BETWEEN lt AND lt + INTERVAL 3 SECONDS"), "left_outer")
    : // Runs of 6 consecutive ids share a key, which recurs 48 ids (28.8 s) later: sessions close between runs.
      left.groupByKey((r) => Math.floor((r.li as number) / 6) % 8).flatMapGroupsWithState(
        { outputMode: "append", timeout: "EventTimeTimeout", stateSchema: "start TIMESTAMP, last TIMESTAMP, n INT", outputSchema: "lk INT, start TIMESTAMP, last TIMESTAMP, n INT" },
        (lk, rows, state: GroupState<{ start: Date; last: Date; n: number }>) => {
          if (state.hasTimedOut) {
            const s = state.get();
            state.remove();
            return [{ lk, ...s }];
          }
          const times = [...rows].map((r) => (r.lt as Date).getTime());
          const old = state.getOption();
          const last = Math.max(...times, old?.last.getTime() ?? -Infinity);
          state.update({ start: new Date(Math.min(...times, old?.start.getTime() ?? Infinity)), last: new Date(last), n: times.length + (old?.n ?? 0) });
          state.setTimeoutTimestamp(last, "4 seconds");
          return [];
        },
      );
const q = await query.writeStream.format("json").outputMode("append").option("checkpointLocation", chkDir).trigger({ availableNow: true }).start(outDir);
await q.awaitTermination();
process.stdout.write("DONE\n");

/**
 * The Nexmark queries as Structured Streaming expresses them, on Sluice. pyspark_nexmark.py holds
 * the same queries for PySpark, line for line; README.md says where a query differs from the
 * original Nexmark text (Structured Streaming cannot join an aggregation's output back to a stream).
 */
import { join } from "node:path";
import { type DataFrame, type Session, col, expr, functions as F } from "../../src/index.js";

export const SCHEMAS = {
  person: "id BIGINT, name STRING, emailAddress STRING, creditCard STRING, city STRING, state STRING, dateTime TIMESTAMP, extra STRING",
  auction: "id BIGINT, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT, dateTime TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT, extra STRING",
  bid: "auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP, extra STRING",
} as const;
export type Stream = keyof typeof SCHEMAS;

/** Which input streams each query reads (its events/s counts their events). */
export const QUERY_INPUTS: Record<string, readonly Stream[]> = {
  q0: ["bid"],
  q1: ["bid"],
  q2: ["bid"],
  q3: ["person", "auction"],
  q4: ["auction", "bid"],
  q5: ["bid"],
  q7: ["bid"],
  q8: ["person", "auction"],
  sessions: ["bid"],
};
export const QUERY_NAMES = Object.keys(QUERY_INPUTS);

const WATERMARK = "10 seconds";
const WINDOW = "10 seconds";
/** The sessions query's inactivity gap (ms). */
const SESSION_GAP_MS = 2_000;

/** A bidder's open session: its first and last bid (epoch ms) and how many bids it has. */
type BidSession = { start: number; last: number; bids: number };

/** One file per micro-batch, so both engines cut the same batches. */
const read = (spark: Session, dir: string, s: Stream): DataFrame => spark.readStream.schema(SCHEMAS[s]).option("maxFilesPerTrigger", 1).json(join(dir, s));

/** The streaming DataFrame of query `q` over the input in `dir` (written by generator.ts). */
export function nexmarkQuery(spark: Session, dir: string, q: string): DataFrame {
  const bids = (): DataFrame => read(spark, dir, "bid");
  const people = (): DataFrame => read(spark, dir, "person");
  const auctions = (): DataFrame => read(spark, dir, "auction");
  switch (q) {
    case "q0": // passthrough
      return bids();
    case "q1": // currency conversion (dollars to euros, Nexmark's rate)
      return bids().selectExpr("auction", "bidder", "0.908 * price AS price", "dateTime", "extra");
    case "q2": // selection
      return bids().filter("auction % 123 = 0").select("auction", "price");
    case "q3": {
      // local item suggestion: sellers in OR/ID/CA of category-10 auctions (stream-stream inner join)
      const p = people().filter("state IN ('OR', 'ID', 'CA')").selectExpr("id AS p_id", "name", "city", "state");
      const a = auctions().filter("category = 10").selectExpr("id AS a_id", "seller");
      return a.join(p, expr("seller = p_id")).select("name", "city", "state", "a_id");
    }
    case "q4": {
      // average closing price per category: the winning (highest) bid of each auction during its
      // life (auctions last under a minute at ≥ 56 events/s), then the average per category; both
      // aggregations per 10 s window of the auction's start
      const a = auctions().selectExpr("id AS a_id", "category", "dateTime AS a_time", "expires").withWatermark("a_time", WATERMARK);
      const b = bids().selectExpr("auction", "price", "dateTime AS b_time").withWatermark("b_time", WATERMARK);
      const winning = a
        .join(b, expr("auction = a_id AND b_time BETWEEN a_time AND expires AND b_time <= a_time + INTERVAL 1 MINUTE"))
        .groupBy(F.window(col("a_time"), WINDOW), col("a_id"), col("category"))
        .agg(F.max("price").alias("final"));
      return winning.groupBy(col("window"), col("category")).agg(F.avg("final").alias("avg_final")).selectExpr("window.start AS start", "window.end AS end", "category", "avg_final");
    }
    case "q5": {
      // hot items: bids per auction in 10 s windows sliding by 2 s, then the top count per window
      const counts = bids().withWatermark("dateTime", WATERMARK).groupBy(F.window(col("dateTime"), WINDOW, "2 seconds"), col("auction")).count();
      return counts.groupBy(col("window")).agg(F.max("count").alias("max_bids")).selectExpr("window.start AS start", "window.end AS end", "max_bids");
    }
    case "q7": // highest bid per 10 s window
      return bids()
        .withWatermark("dateTime", WATERMARK)
        .groupBy(F.window(col("dateTime"), WINDOW))
        .agg(F.max("price").alias("max_price"))
        .selectExpr("window.start AS start", "window.end AS end", "max_price");
    case "q8": {
      // new users: people who opened an auction in the same 10 s window they registered in
      const p = people().withWatermark("dateTime", WATERMARK).select(col("id").alias("p_id"), col("name"), F.window(col("dateTime"), WINDOW).alias("p_win"));
      const a = auctions().withWatermark("dateTime", WATERMARK).select(col("seller"), F.window(col("dateTime"), WINDOW).alias("a_win"));
      return p.join(a, expr("p_id = seller AND p_win = a_win")).selectExpr("p_id", "name", "p_win.start AS start");
    }
    case "sessions":
      // session tracking: a bidder's bids less than 2 s apart form a session (a longer pause closes
      // it), written at the pause or once the watermark passes its last bid + 2 s
      // (flatMapGroupsWithState with an event-time timeout)
      return bids()
        .withWatermark("dateTime", WATERMARK)
        .groupByKey((r) => r.bidder)
        .flatMapGroupsWithState<BidSession>(
          { outputMode: "append", timeout: "EventTimeTimeout", stateSchema: "start BIGINT, last BIGINT, bids BIGINT", outputSchema: "bidder BIGINT, start_ms BIGINT, end_ms BIGINT, bids BIGINT" },
          (bidder, rows, state) => {
            const closed = (s: BidSession) => ({ bidder, start_ms: s.start, end_ms: s.last + SESSION_GAP_MS, bids: s.bids });
            if (state.hasTimedOut) {
              const s = state.get();
              state.remove();
              return [closed(s)];
            }
            const out = [];
            const old = state.getOption();
            let s = old === undefined ? undefined : { start: Number(old.start), last: Number(old.last), bids: Number(old.bids) };
            for (const t of [...rows].map((r) => (r.dateTime as Date).getTime()).sort((a, b) => a - b)) {
              if (s !== undefined && t - s.last >= SESSION_GAP_MS) out.push(closed(s));
              s = s === undefined || t - s.last >= SESSION_GAP_MS ? { start: t, last: t, bids: 1 } : { start: s.start, last: Math.max(s.last, t), bids: s.bids + 1 };
            }
            state.update(s!);
            state.setTimeoutTimestamp(s!.last + SESSION_GAP_MS);
            return out;
          },
        );
    default:
      throw new Error(`unknown Nexmark query ${q} (known: ${QUERY_NAMES.join(", ")})`);
  }
}

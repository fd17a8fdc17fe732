"""PySpark side of the Nexmark benchmark (local[2], the machine's two cores): the queries of
queries.ts, line for line. Usage: python bench/nexmark/pyspark_nexmark.py INPUT OUT q...
Runs each query over INPUT into OUT/<q> (Parquet, append, availableNow) and prints one JSON line
per query: {"engine":"pyspark","query":q,"events":N,"seconds":S} (or "error" when Spark refuses it).
The sessions query is applyInPandasWithState (PySpark's flatMapGroupsWithState), so this runs in
the pandas venv (bash scripts/oracle/setup.sh --pandas; .oracle/pandas-venv/bin/python), whose
pandas and pyarrow PySpark 4.0.1's Arrow serializer works with.
"""
import json
import os
import shutil
import sys
import time

os.environ["PYSPARK_PYTHON"] = sys.executable  # the Python workers need this venv's pandas and pyarrow

import pandas as pd  # noqa: E402
from pyspark.sql import SparkSession, functions as F  # noqa: E402
from pyspark.errors import PySparkException  # noqa: E402

SCHEMAS = {
    "person": "id BIGINT, name STRING, emailAddress STRING, creditCard STRING, city STRING, state STRING, dateTime TIMESTAMP, extra STRING",
    "auction": "id BIGINT, itemName STRING, description STRING, initialBid BIGINT, reserve BIGINT, dateTime TIMESTAMP, expires TIMESTAMP, seller BIGINT, category BIGINT, extra STRING",
    "bid": "auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP, extra STRING",
}
QUERY_INPUTS = {"q0": ["bid"], "q1": ["bid"], "q2": ["bid"], "q3": ["person", "auction"], "q4": ["auction", "bid"], "q5": ["bid"], "q7": ["bid"], "q8": ["person", "auction"], "sessions": ["bid"]}
WATERMARK = "10 seconds"
WINDOW = "10 seconds"
SESSION_GAP_MS = 2_000
EPOCH = pd.Timestamp(0, tz="UTC")


def bid_sessions(key, pdfs, state):
    """A bidder's bids less than SESSION_GAP_MS apart form a session, written at a longer pause or when it times out."""
    def closed(s):
        return {"bidder": key[0], "start_ms": s[0], "end_ms": s[1] + SESSION_GAP_MS, "bids": s[2]}

    if state.hasTimedOut:
        s = state.get
        state.remove()
        yield pd.DataFrame([closed(s)])
        return
    out = []
    s = state.get if state.exists else None
    for t in sorted(int(t) for pdf in pdfs for t in (pd.to_datetime(pdf["dateTime"], utc=True) - EPOCH) // pd.Timedelta(milliseconds=1)):
        if s is not None and t - s[1] >= SESSION_GAP_MS:
            out.append(closed(s))
        s = (t, t, 1) if s is None or t - s[1] >= SESSION_GAP_MS else (s[0], max(s[1], t), s[2] + 1)
    state.update(s)
    state.setTimeoutTimestamp(s[1] + SESSION_GAP_MS)
    if out:
        yield pd.DataFrame(out, columns=["bidder", "start_ms", "end_ms", "bids"])


def query(spark, d, q):
    def read(s):
        return spark.readStream.schema(SCHEMAS[s]).option("maxFilesPerTrigger", 1).json(os.path.join(d, s))

    if q == "q0":
        return read("bid")
    if q == "q1":
        return read("bid").selectExpr("auction", "bidder", "0.908 * price AS price", "dateTime", "extra")
    if q == "q2":
        return read("bid").filter("auction % 123 = 0").select("auction", "price")
    if q == "q3":
        p = read("person").filter("state IN ('OR', 'ID', 'CA')").selectExpr("id AS p_id", "name", "city", "state")
        a = read("auction").filter("category = 10").selectExpr("id AS a_id", "seller")
        return a.join(p, F.expr("seller = p_id")).select("name", "city", "state", "a_id")
    if q == "q4":
        a = read("auction").selectExpr("id AS a_id", "category", "dateTime AS a_time", "expires").withWatermark("a_time", WATERMARK)
        b = read("bid").selectExpr("auction", "price", "dateTime AS b_time").withWatermark("b_time", WATERMARK)
        winning = (
            a.join(b, F.expr("auction = a_id AND b_time BETWEEN a_time AND expires AND b_time <= a_time + INTERVAL 1 MINUTE"))
            .groupBy(F.window("a_time", WINDOW), "a_id", "category")
            .agg(F.max("price").alias("final"))
        )
        return winning.groupBy("window", "category").agg(F.avg("final").alias("avg_final")).selectExpr("window.start AS start", "window.end AS end", "category", "avg_final")
    if q == "q5":
        counts = read("bid").withWatermark("dateTime", WATERMARK).groupBy(F.window("dateTime", WINDOW, "2 seconds"), "auction").count()
        return counts.groupBy("window").agg(F.max("count").alias("max_bids")).selectExpr("window.start AS start", "window.end AS end", "max_bids")
    if q == "q7":
        return (
            read("bid").withWatermark("dateTime", WATERMARK).groupBy(F.window("dateTime", WINDOW)).agg(F.max("price").alias("max_price"))
            .selectExpr("window.start AS start", "window.end AS end", "max_price")
        )
    if q == "q8":
        p = read("person").withWatermark("dateTime", WATERMARK).select(F.col("id").alias("p_id"), "name", F.window("dateTime", WINDOW).alias("p_win"))
        a = read("auction").withWatermark("dateTime", WATERMARK).select("seller", F.window("dateTime", WINDOW).alias("a_win"))
        return p.join(a, F.expr("p_id = seller AND p_win = a_win")).selectExpr("p_id", "name", "p_win.start AS start")
    if q == "sessions":
        return (
            read("bid").withWatermark("dateTime", WATERMARK).groupBy("bidder")
            .applyInPandasWithState(bid_sessions, "bidder LONG, start_ms LONG, end_ms LONG, bids LONG", "start LONG, last LONG, bids LONG", "append", "EventTimeTimeout")
        )
    raise ValueError(f"unknown Nexmark query {q}")


def run(spark, d, out, q):
    shutil.rmtree(os.path.join(out, q), ignore_errors=True)
    shutil.rmtree(os.path.join(out, f"{q}-checkpoint"), ignore_errors=True)
    t = time.time()
    s = (
        query(spark, d, q).writeStream.format("parquet").outputMode("append")
        .option("checkpointLocation", os.path.join(out, f"{q}-checkpoint"))
        .trigger(availableNow=True).start(os.path.join(out, q))
    )
    s.awaitTermination()
    return time.time() - t


def session():
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "6g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


if __name__ == "__main__":
    d, out, wanted = sys.argv[1], sys.argv[2], sys.argv[3:] or list(QUERY_INPUTS)
    counts = json.load(open(os.path.join(d, "counts.json")))
    spark = session()
    for q in wanted:
        events = sum(counts[k] for k in QUERY_INPUTS[q])
        try:
            print(json.dumps({"engine": "pyspark", "query": q, "events": events, "seconds": run(spark, d, out, q)}), flush=True)
        except PySparkException as e:
            print(json.dumps({"engine": "pyspark", "query": q, "events": events, "error": e.getErrorClass() or type(e).__name__, "message": str(e).split("\n")[0]}), flush=True)
    spark.stop()

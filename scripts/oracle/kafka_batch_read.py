"""Record PySpark's batch read of a Kafka topic (test/kafka/parity/batch-read.json).

1. Fetch spark-sql-kafka-0-10 (4.0.1) and its Kafka client jars from Maven Central with
   scripts/oracle/kafka/pom.xml into .oracle/kafka-jars (cached).
2. PySpark 4.0.1 writes the records of RECORDS (key, value, partition, headers) to a fresh
   topic of 3 partitions on the broker at $KAFKA_BOOTSTRAP (npm run kafka:start prints it).
3. For each case, spark.read.format("kafka") with the case's options; the rows (key and value as
   text, topic as ${topic}, partition, offset, timestampType, headers as [key, text]) are sorted
   by partition and offset and written to the golden file with the records and the options.
The test (test/kafka/kafka-parity.test.ts) produces the same records to a topic of its own and
expects Sluice to read the same rows. Timestamps are the broker's write times: not compared.
Run: KAFKA_BOOTSTRAP=127.0.0.1:PORT .oracle/venv/bin/python scripts/oracle/kafka_batch_read.py
"""
import glob
import json
import os
import subprocess
import sys
import time
import uuid

os.environ["TZ"] = "UTC"
time.tzset()
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JARS = os.path.join(ROOT, ".oracle", "kafka-jars")
OUT = os.path.join(ROOT, "test", "kafka", "parity", "batch-read.json")

RECORDS = (
    [{"key": f"k{i}", "value": f"v{i}", "partition": i % 3, "headers": [["h", f"x{i}"]] if i % 4 == 0 else []} for i in range(12)]
    + [{"key": None, "value": "no-key", "partition": 1, "headers": [["a", "1"], ["b", "2"]]}]
)
CASES = [
    {"name": "earliest-to-latest", "options": {"subscribe": "${topic}"}},
    {"name": "specific-offsets", "options": {"subscribe": "${topic}", "startingOffsets": '{"${topic}":{"0":1,"1":-2,"2":2}}', "endingOffsets": '{"${topic}":{"0":3,"1":-1,"2":-1}}'}},
    {"name": "assign", "options": {"assign": '{"${topic}":[0,2]}'}},
    {"name": "headers", "options": {"subscribe": "${topic}", "includeHeaders": "true"}},
    {"name": "pattern-min-partitions", "options": {"subscribePattern": "${topic}", "minPartitions": "5"}},
]


def fetch_jars():
    if not glob.glob(os.path.join(JARS, "spark-sql-kafka-*.jar")):
        subprocess.run(["mvn", "-q", "-B", "-f", os.path.join(ROOT, "scripts", "oracle", "kafka", "pom.xml"), "dependency:copy-dependencies",
                        "-DincludeScope=runtime", f"-DoutputDirectory={JARS}"], check=True)
    return sorted(glob.glob(os.path.join(JARS, "*.jar")))


def main():
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP")
    if not bootstrap:
        sys.exit("set KAFKA_BOOTSTRAP=host:port (npm run kafka:start prints it)")
    from pyspark.sql import SparkSession, functions as F
    spark = (SparkSession.builder.master("local[1]").config("spark.jars", ",".join(fetch_jars()))
             .config("spark.sql.session.timeZone", "UTC").config("spark.ui.enabled", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    topic = f"parity-{uuid.uuid4().hex[:8]}"
    # The broker does not create topics on write: make it with 3 partitions through the Kafka admin client of the JVM.
    jvm = spark.sparkContext._jvm
    props = jvm.java.util.Properties()
    props.put("bootstrap.servers", bootstrap)
    admin = jvm.org.apache.kafka.clients.admin.Admin.create(props)
    admin.createTopics(jvm.java.util.List.of(jvm.org.apache.kafka.clients.admin.NewTopic(topic, 3, jvm.java.lang.Short.valueOf("1")))).all().get()
    admin.close()
    rows = [(r["key"], r["value"], r["partition"], [(k, bytearray(v.encode())) for k, v in r["headers"]]) for r in RECORDS]
    df = spark.createDataFrame(rows, "key STRING, value STRING, partition INT, headers ARRAY<STRUCT<key: STRING, value: BINARY>>")
    # One write per record keeps the offsets in RECORDS' order within each partition.
    for i in range(len(rows)):
        df.limit(i + 1).subtract(df.limit(i)).write.format("kafka").option("kafka.bootstrap.servers", bootstrap).option("topic", topic).option("includeHeaders", "true").save()
    cases = []
    for c in CASES:
        reader = spark.read.format("kafka").option("kafka.bootstrap.servers", bootstrap)
        for k, v in c["options"].items():
            reader = reader.option(k, v.replace("${topic}", topic))
        d = reader.load()
        cols = [F.col("key").cast("string").alias("key"), F.col("value").cast("string").alias("value"), "partition", "offset", "timestampType"]
        if c["options"].get("includeHeaders") == "true":
            cols.append(F.transform("headers", lambda h: F.array(h["key"], h["value"].cast("string"))).alias("headers"))
        got = [r.asDict(recursive=True) for r in d.select(*cols).collect()]
        got.sort(key=lambda r: (r["partition"], r["offset"]))
        cases.append({**c, "columns": d.columns, "rows": got})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as h:
        json.dump({"generatedBy": "scripts/oracle/kafka_batch_read.py (PySpark 4.0.1, spark-sql-kafka-0-10 4.0.1)", "records": RECORDS, "cases": cases}, h, indent=1)
        h.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()

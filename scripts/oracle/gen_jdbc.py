"""Record PySpark's JDBC reader and writer on PostgreSQL into test/jdbc/golden/jdbc_parity.json.

Usage (from the repository root): .oracle/venv/bin/python scripts/oracle/gen_jdbc.py
Needs PostgreSQL's server binaries (bash scripts/postgres/setup.sh) and reaches Maven Central for
the PostgreSQL JDBC driver (spark.jars.packages). Starts a throwaway cluster on 127.0.0.1 (as the
`postgres` user when run as root, since PostgreSQL refuses root), then:
  1. creates the tables of test/jdbc/golden/pgtypes.sql and reads them with
     spark.read.format("jdbc"): the schema, and every value as Spark's cast to string (hex for
     binary), so the test compares texts, not client-side objects;
  2. reads them again with preferTimestampNTZ=true (schema, and the time columns as text);
  3. writes a DataFrame of every Spark type Sluice has with df.write.jdbc and records the
     PostgreSQL column types Spark created and the table's rows as psql prints them.
test/jdbc/parity.test.ts checks Sluice against both.
"""
import glob
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GOLDEN = os.path.join(ROOT, "test", "jdbc", "golden")
DRIVER = "org.postgresql:postgresql:42.7.14"

# The DataFrame PySpark writes; test/jdbc/parity.test.ts builds the same one in Sluice.
WRITE_SCHEMA = "id INT NOT NULL, s STRING, b BOOLEAN, l BIGINT, f FLOAT, d DOUBLE, m DECIMAL(20,4), dt DATE, ts TIMESTAMP, bin BINARY, ai ARRAY<INT>, ast ARRAY<STRING>, ntz TIMESTAMP_NTZ, ti TINYINT, si SMALLINT"
WRITE_SQL = [
    "SELECT 1 AS id, 'it\\'s \"quoted\", {braced}' AS s, true AS b, CAST(9007199254740993 AS BIGINT) AS l, CAST(1.5 AS FLOAT) AS f,"
    " CAST(-0.1 AS DOUBLE) AS d, CAST(12345.6789 AS DECIMAL(20,4)) AS m, DATE'1999-12-31' AS dt,"
    " TIMESTAMP'2024-05-06 07:08:09.123456' AS ts, X'0001FE' AS bin, array(1, NULL, -3) AS ai, array('a,b', 'q\"', NULL, 'NULL') AS ast,"
    " TIMESTAMP_NTZ'2024-05-06 07:08:09.123456' AS ntz, CAST(-128 AS TINYINT) AS ti, CAST(32767 AS SMALLINT) AS si",
    "SELECT 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL",
]


def run_as_postgres(args, **kw):
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--"] + args
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def start_cluster():
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        sys.exit("PostgreSQL server binaries not found: run bash scripts/postgres/setup.sh")
    bindir = os.path.dirname(bins[-1])
    work = tempfile.mkdtemp(prefix="sluice-oracle-pg-")
    if os.geteuid() == 0:
        shutil.chown(work, "postgres", "postgres")
    data = os.path.join(work, "data")
    run_as_postgres([os.path.join(bindir, "initdb"), "-D", data, "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth=trust", "--no-sync"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [os.path.join(bindir, "postgres"), "-D", data, "-k", work, "-p", str(port), "-c", "listen_addresses=127.0.0.1", "-c", "timezone=UTC"]
    proc = subprocess.Popen((["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []) + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(port)], capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    return work, data, port, proc


def psql(work, port, sql):
    return run_as_postgres(["psql", "-X", "-q", "-A", "-t", "-F", "|", "-v", "ON_ERROR_STOP=1", "-h", work, "-p", str(port), "-U", "postgres", "-d", "postgres"], input=sql).stdout


def main():
    work, data, port, proc = start_cluster()
    try:
        with open(os.path.join(GOLDEN, "pgtypes.sql")) as f:
            psql(work, port, f.read())
        from pyspark.sql import SparkSession

        spark = (
            SparkSession.builder.master("local[1]")
            .config("spark.jars.packages", DRIVER)
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.extraJavaOptions", "-Duser.timezone=UTC")
            .getOrCreate()
        )
        url = f"jdbc:postgresql://127.0.0.1:{port}/postgres"
        props = {"user": "postgres", "driver": "org.postgresql.Driver"}
        df = spark.read.jdbc(url, "pgtypes", properties=props)
        texts = [f"hex({f.name}) AS {f.name}" if f.dataType.simpleString() == "binary" else f"CAST({f.name} AS STRING) AS {f.name}" for f in df.schema.fields]
        read_rows = [r.asDict() for r in df.selectExpr(*texts).orderBy("id").collect()]
        read = {"schema": df.schema.simpleString(), "nullable": [f.nullable for f in df.schema.fields], "rows": read_rows}
        # preferTimestampNTZ: PostgreSQL's zone-less types read as TIMESTAMP_NTZ
        ntz = spark.read.option("preferTimestampNTZ", "true").jdbc(url, "pgtypes", properties=props)
        ntz_texts = [f"CAST({f.name} AS STRING) AS {f.name}" for f in ntz.schema.fields if f.name in ("id", "ts", "tz", "tm")]
        read_ntz = {"schema": ntz.schema.simpleString(), "rows": [r.asDict() for r in ntz.selectExpr(*ntz_texts).orderBy("id").collect()]}

        spark.sql(" UNION ALL ".join(WRITE_SQL)).createOrReplaceTempView("w")
        wdf = spark.sql("SELECT * FROM w").to(spark.createDataFrame([], WRITE_SCHEMA).schema)
        wdf.write.jdbc(url, "spark_written", mode="overwrite", properties=props)
        types = psql(work, port, "SELECT attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' NOT NULL' ELSE '' END FROM pg_attribute WHERE attrelid = 'spark_written'::regclass AND attnum > 0 ORDER BY attnum").strip().split("\n")
        rows = psql(work, port, "SELECT * FROM spark_written ORDER BY id").strip().split("\n")
        written = {"schema": WRITE_SCHEMA, "sql": WRITE_SQL, "columnTypes": types, "rows": rows}
        spark.stop()
        out = os.path.join(GOLDEN, "jdbc_parity.json")
        with open(out, "w") as f:
            json.dump({"pyspark": __import__("pyspark").__version__, "driver": DRIVER, "read": read, "readPreferTimestampNTZ": read_ntz, "write": written}, f, indent=2, ensure_ascii=False)
            f.write("\n")
        print("wrote", os.path.relpath(out, ROOT))
    finally:
        # Signal the postmaster itself (runuser may not pass a signal on): SIGINT = fast shutdown.
        with open(os.path.join(data, "postmaster.pid")) as f:
            os.kill(int(f.readline()), 2)
        proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

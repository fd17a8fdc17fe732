"""Record how PySpark reads withWatermark delay strings: the unit forms of EventTimeWatermarkSuite's
SPARK-35815 scenario, its ANSI forms ('1 2:3:4' DAY TO SECOND, '1-2' YEAR TO MONTH) and forms it
refuses (an ANSI interval mixed with units, fields out of range, a qualifier that does not exist).
For each delay: the delay in milliseconds (a month as 31 days, as Spark turns the delay's
CalendarInterval into a watermark), or the error class. The delays are read on a rate stream;
no query runs. test/spark-suites/EventTimeWatermarkSuite.test.ts compares Sluice's delays with it.
Output: test/spark-suites/golden/watermark-delay.json.
Run from the repository root: .oracle/venv/bin/python scripts/oracle/gen_spark_suite_watermark_delay.py
"""
import os
import re

from py4j.java_gateway import get_field
from stream_steps import local_session, write_golden

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "spark-suites", "golden", "watermark-delay.json")

DELAYS = [
    "3 days", "Interval 3 day", "inTerval '3' day",
    " 5 hours", "INTERVAL 5 hour", "interval '5' hour",
    "\t8 minutes", "interval 8 minute", "interval '8' minute",
    "10 seconds", "interval 10 second", "interval '10' second",
    "1 years", "interval 1 year", "interval '1' year",
    "1 months", "interval 1 month", "interval '1' month",
    "1 day 2 hours 3 minutes 4 seconds", " interval 1 day 2 hours 3 minutes 4 seconds",
    "\tinterval '1' day '2' hours '3' minutes '4' seconds", "interval '1 2:3:4' day to second",
    " 1 year 2 months", "interval 1 year 2 month", "interval '1' year '2' month", "\tinterval '1-2' year to month",
    "INTERVAL '10:20' HOUR TO MINUTE",
    "interval '-0 0:0:1' day to second '2' seconds", "interval '1-12' year to month", "interval '1 2' month to day",
]


def main():
    spark = local_session()
    df = spark.readStream.format("rate").load()
    out = {}
    for d in DELAYS:
        try:
            delay = df.withWatermark("timestamp", d)._jdf.queryExecution().analyzed().delay()
            months, days, micros = (get_field(delay, f) for f in ("months", "days", "microseconds"))
            out[d] = {"ms": months * 31 * 86_400_000 + days * 86_400_000 + micros // 1000}
        except Exception as e:  # the error class PySpark names
            m = re.search(r"\[([A-Z_.]+)\]", str(e))
            out[d] = {"error": m.group(1) if m else type(e).__name__}
    write_golden(OUT, out)
    spark.stop()


if __name__ == "__main__":
    main()

"""PySpark's worker daemon, with pandas, pyarrow and PySpark's Arrow code imported before it forks
workers: a forked worker then starts at once instead of importing them, which on a loaded machine
takes longer than the 10 s Spark waits for a Python worker to connect back. Used by the pandas
oracles through spark.python.daemon.module (scripts/oracle must be on PYTHONPATH)."""
import pandas  # noqa: F401
import pyarrow  # noqa: F401
import pyspark.sql.pandas.serializers  # noqa: F401
import pyspark.sql.streaming.stateful_processor_api_client  # noqa: F401
from pyspark.daemon import manager

if __name__ == "__main__":
    manager()

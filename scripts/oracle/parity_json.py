"""The typed JSON encoding shared by the parity corpus and Sluice's runner (test/parity/support).

Values are encoded according to their Spark type, so JSON stays unambiguous:
  null -> null · BOOLEAN -> true/false · INT/BIGINT -> number (a string when |v| > 2^53 - 1)
  FLOAT/DOUBLE -> number, or "NaN" / "Infinity" / "-Infinity"
  DECIMAL(p,s) -> string with exactly s fractional digits ("12.50")
  STRING -> string · BINARY -> base64 string · DATE -> "YYYY-MM-DD"
  TIMESTAMP -> "YYYY-MM-DD HH:MM:SS[.ffffff]" as a UTC instant (whatever the session time zone)
  ARRAY -> list · MAP -> list of [key, value] pairs in map order · STRUCT -> object by field name
Schemas are written as DDL: `name TYPE[ NOT NULL], ...` with Spark's SQL type names
(INT, BIGINT, DECIMAL(10,2), ARRAY<INT>, MAP<STRING, INT>, STRUCT<a: INT, b: STRING NOT NULL>).
"""
import base64
import datetime
import decimal
import math
import re

from pyspark.sql import types as T

EXACT = decimal.Context(prec=100)

MAX_SAFE = 2**53 - 1
PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SIMPLE = {
    T.StringType: "STRING",
    T.BooleanType: "BOOLEAN",
    T.ByteType: "TINYINT",
    T.ShortType: "SMALLINT",
    T.IntegerType: "INT",
    T.LongType: "BIGINT",
    T.FloatType: "FLOAT",
    T.DoubleType: "DOUBLE",
    T.DateType: "DATE",
    T.TimestampType: "TIMESTAMP",
    T.TimestampNTZType: "TIMESTAMP_NTZ",
    T.BinaryType: "BINARY",
    T.NullType: "VOID",
}
INTEGRAL = (T.ByteType, T.ShortType, T.IntegerType, T.LongType)
FRACTIONAL = (T.FloatType, T.DoubleType)
TIMESTAMPS = (T.TimestampType, T.TimestampNTZType)
# collected as Spark's text of them (gen_parity.collectable): PySpark cannot collect a YEAR-MONTH interval
INTERVALS = (T.YearMonthIntervalType, T.DayTimeIntervalType)


def quote(name):
    return name if PLAIN.match(name) else "`" + name.replace("`", "``") + "`"


def sql_type(t):
    if isinstance(t, T.ArrayType):
        return f"ARRAY<{sql_type(t.elementType)}>"
    if isinstance(t, T.MapType):
        return f"MAP<{sql_type(t.keyType)}, {sql_type(t.valueType)}>"
    if isinstance(t, T.StructType):
        return "STRUCT<" + ", ".join(f"{quote(f.name)}: {field_type(f)}" for f in t.fields) + ">"
    if isinstance(t, T.DecimalType):
        return f"DECIMAL({t.precision},{t.scale})"
    for cls, name in SIMPLE.items():
        if type(t) is cls:
            return name
    return t.simpleString().upper()


def field_type(f):
    return sql_type(f.dataType) + ("" if f.nullable else " NOT NULL")


def ddl(schema):
    return ", ".join(f"{quote(f.name)} {field_type(f)}" for f in schema.fields)


def format_timestamp(v):
    text = v.strftime("%Y-%m-%d %H:%M:%S")
    return text + (f".{v.microsecond:06d}" if v.microsecond else "")


def encode(t, v):
    """A Python value collected from Spark -> typed JSON."""
    if v is None:
        return None
    if isinstance(t, T.BooleanType):
        return bool(v)
    if isinstance(t, INTEGRAL):
        return int(v) if abs(v) <= MAX_SAFE else str(v)
    if isinstance(t, FRACTIONAL):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return float(v)
    if isinstance(t, T.DecimalType):
        # a DECIMAL(38) has more digits than Python's default 28-digit context: quantize exactly
        return format(v.quantize(decimal.Decimal(1).scaleb(-t.scale), context=EXACT), "f")
    if isinstance(t, (T.StringType,) + INTERVALS):
        return str(v)
    if isinstance(t, T.BinaryType):
        return base64.b64encode(bytes(v)).decode("ascii")
    if isinstance(t, T.DateType):
        return v.isoformat()
    if isinstance(t, TIMESTAMPS):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return format_timestamp(v)
    if isinstance(t, T.ArrayType):
        return [encode(t.elementType, x) for x in v]
    if isinstance(t, T.MapType):
        return [[encode(t.keyType, k), encode(t.valueType, x)] for k, x in v.items()]
    if isinstance(t, T.StructType):
        return {f.name: encode(f.dataType, v[i]) for i, f in enumerate(t.fields)}
    raise ValueError(f"no typed JSON encoding for {t.simpleString()}")


def decode(t, v):
    """Typed JSON from a dataset file -> the Python value createDataFrame expects."""
    if v is None:
        return None
    if isinstance(t, T.BooleanType):
        if not isinstance(v, bool):
            raise ValueError(f"expected a boolean, got {v!r}")
        return v
    if isinstance(t, INTEGRAL):
        return int(v)
    if isinstance(t, FRACTIONAL):
        return float({"NaN": "nan", "Infinity": "inf", "-Infinity": "-inf"}.get(v, v)) if isinstance(v, str) else float(v)
    if isinstance(t, T.DecimalType):
        if not isinstance(v, str):
            raise ValueError(f"decimals are written as strings, got {v!r}")
        return decimal.Decimal(v)
    if isinstance(t, T.StringType):
        return str(v)
    if isinstance(t, T.BinaryType):
        return bytearray(base64.b64decode(v))
    if isinstance(t, T.DateType):
        return datetime.date.fromisoformat(v)
    if isinstance(t, TIMESTAMPS):
        if not re.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$", v):
            raise ValueError(f"timestamps are written 'YYYY-MM-DD HH:MM:SS[.ffffff]' (UTC), got {v!r}")
        return datetime.datetime.fromisoformat(v)
    if isinstance(t, T.ArrayType):
        return [decode(t.elementType, x) for x in v]
    if isinstance(t, T.MapType):
        return {decode(t.keyType, k): decode(t.valueType, x) for k, x in v}
    if isinstance(t, T.StructType):
        return tuple(decode(f.dataType, v.get(f.name)) for f in t.fields)
    raise ValueError(f"no typed JSON decoding for {t.simpleString()}")

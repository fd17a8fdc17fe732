/**
 * Sluice's own definitions of the Spark Connect messages it uses (types.proto: DataType), as .proto text parsed
 * with protobufjs on first use (connect-proto.ts). Message names, field numbers and types are
 * protocol facts taken from the descriptors pip pyspark 4.0.1 ships (pyspark/sql/connect/proto/
 * types_pb2.py); test/connect/proto-descriptors.test.ts checks every message here against them.
 * Only what the client sends or reads is declared: undeclared fields a server sends are skipped.
 */
export const TYPES_PROTO = `
// ---- types.proto ----

message DataType {
  oneof kind {
    NULL null = 1;
    Binary binary = 2;
    Boolean boolean = 3;
    Byte byte = 4;
    Short short = 5;
    Integer integer = 6;
    Long long = 7;
    Float float = 8;
    Double double = 9;
    Decimal decimal = 10;
    String string = 11;
    Char char = 12;
    VarChar var_char = 13;
    Date date = 14;
    Timestamp timestamp = 15;
    TimestampNTZ timestamp_ntz = 16;
    CalendarInterval calendar_interval = 17;
    YearMonthInterval year_month_interval = 18;
    DayTimeInterval day_time_interval = 19;
    Array array = 20;
    Struct struct = 21;
    Map map = 22;
    Variant variant = 25;
    UDT udt = 23;
  }
  message NULL {}
  message Binary {}
  message Boolean {}
  message Byte {}
  message Short {}
  message Integer {}
  message Long {}
  message Float {}
  message Double {}
  message Decimal {
    optional int32 scale = 1;
    optional int32 precision = 2;
  }
  message String {}
  message Char {}
  message VarChar {}
  message Date {}
  message Timestamp {}
  message TimestampNTZ {}
  message CalendarInterval {}
  message YearMonthInterval {
    optional int32 start_field = 1;
    optional int32 end_field = 2;
  }
  message DayTimeInterval {
    optional int32 start_field = 1;
    optional int32 end_field = 2;
  }
  message Variant {}
  message UDT {
    string type = 1;
  }
  message StructField {
    string name = 1;
    DataType data_type = 2;
    bool nullable = 3;
    optional string metadata = 4;
  }
  message Struct {
    repeated StructField fields = 1;
  }
  message Array {
    DataType element_type = 1;
    bool contains_null = 2;
  }
  message Map {
    DataType key_type = 1;
    DataType value_type = 2;
    bool value_contains_null = 3;
  }
}
`;

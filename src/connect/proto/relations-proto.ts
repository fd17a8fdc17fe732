/**
 * Sluice's own definitions of the Spark Connect messages it uses (relations.proto and expressions.proto), as .proto text parsed
 * with protobufjs on first use (connect-proto.ts). Message names, field numbers and types are
 * protocol facts taken from the descriptors pip pyspark 4.0.1 ships (pyspark/sql/connect/proto/
 * relations_pb2.py, expressions_pb2.py); test/connect/proto-descriptors.test.ts checks every message here against them.
 * Only what the client sends or reads is declared: undeclared fields a server sends are skipped.
 */
export const RELATIONS_PROTO = `
// ---- relations.proto ----

message Relation {
  RelationCommon common = 1;
  oneof rel_type {
    Read read = 2;
    Project project = 3;
    Filter filter = 4;
    Join join = 5;
    SetOperation set_op = 6;
    Sort sort = 7;
    Limit limit = 8;
    Aggregate aggregate = 9;
    SQL sql = 10;
    LocalRelation local_relation = 11;
    Sample sample = 12;
    Offset offset = 13;
    Deduplicate deduplicate = 14;
    Range range = 15;
    SubqueryAlias subquery_alias = 16;
    ToDF to_df = 18;
    WithColumnsRenamed with_columns_renamed = 19;
    Drop drop = 21;
    WithColumns with_columns = 23;
    CollectMetrics collect_metrics = 29;
    WithWatermark with_watermark = 33;
  }
}

message RelationCommon {
  optional int64 plan_id = 2;
}

message SQL {
  string query = 1;
}

message Read {
  oneof read_type {
    NamedTable named_table = 1;
    DataSource data_source = 2;
  }
  bool is_streaming = 3;
  message NamedTable {
    string unparsed_identifier = 1;
  }
  message DataSource {
    optional string format = 1;
    optional string schema = 2;
    map<string, string> options = 3;
    repeated string paths = 4;
  }
}

message Project {
  Relation input = 1;
  repeated Expression expressions = 3;
}

message Filter {
  Relation input = 1;
  Expression condition = 2;
}

message Join {
  Relation left = 1;
  Relation right = 2;
  Expression join_condition = 3;
  JoinType join_type = 4;
  repeated string using_columns = 5;
  enum JoinType {
    JOIN_TYPE_UNSPECIFIED = 0;
    JOIN_TYPE_INNER = 1;
    JOIN_TYPE_FULL_OUTER = 2;
    JOIN_TYPE_LEFT_OUTER = 3;
    JOIN_TYPE_RIGHT_OUTER = 4;
    JOIN_TYPE_LEFT_ANTI = 5;
    JOIN_TYPE_LEFT_SEMI = 6;
    JOIN_TYPE_CROSS = 7;
  }
}

message SetOperation {
  Relation left_input = 1;
  Relation right_input = 2;
  SetOpType set_op_type = 3;
  optional bool is_all = 4;
  optional bool by_name = 5;
  optional bool allow_missing_columns = 6;
  enum SetOpType {
    SET_OP_TYPE_UNSPECIFIED = 0;
    SET_OP_TYPE_INTERSECT = 1;
    SET_OP_TYPE_UNION = 2;
    SET_OP_TYPE_EXCEPT = 3;
  }
}

message Limit {
  Relation input = 1;
  int32 limit = 2;
}

message Offset {
  Relation input = 1;
  int32 offset = 2;
}

message Aggregate {
  Relation input = 1;
  GroupType group_type = 2;
  repeated Expression grouping_expressions = 3;
  repeated Expression aggregate_expressions = 4;
  enum GroupType {
    GROUP_TYPE_UNSPECIFIED = 0;
    GROUP_TYPE_GROUPBY = 1;
    GROUP_TYPE_ROLLUP = 2;
    GROUP_TYPE_CUBE = 3;
    GROUP_TYPE_PIVOT = 4;
    GROUP_TYPE_GROUPING_SETS = 5;
  }
}

message Sort {
  Relation input = 1;
  repeated Expression.SortOrder order = 2;
  optional bool is_global = 3;
}

message Drop {
  Relation input = 1;
  repeated Expression columns = 2;
  repeated string column_names = 3;
}

message Deduplicate {
  Relation input = 1;
  repeated string column_names = 2;
  optional bool all_columns_as_keys = 3;
  optional bool within_watermark = 4;
}

message LocalRelation {
  optional bytes data = 1;
  optional string schema = 2;
}

message Sample {
  Relation input = 1;
  double lower_bound = 2;
  double upper_bound = 3;
  optional bool with_replacement = 4;
  optional int64 seed = 5;
}

message Range {
  optional int64 start = 1;
  int64 end = 2;
  int64 step = 3;
}

message SubqueryAlias {
  Relation input = 1;
  string alias = 2;
}

message ToDF {
  Relation input = 1;
  repeated string column_names = 2;
}

message WithColumnsRenamed {
  Relation input = 1;
  repeated Rename renames = 3;
  message Rename {
    string col_name = 1;
    string new_col_name = 2;
  }
}

message WithColumns {
  Relation input = 1;
  repeated Expression.Alias aliases = 2;
}

message CollectMetrics {
  Relation input = 1;
  string name = 2;
  repeated Expression metrics = 3;
}

message WithWatermark {
  Relation input = 1;
  string event_time = 2;
  string delay_threshold = 3;
}

// ---- expressions.proto ----

message Expression {
  oneof expr_type {
    Literal literal = 1;
    UnresolvedAttribute unresolved_attribute = 2;
    UnresolvedFunction unresolved_function = 3;
    ExpressionString expression_string = 4;
    UnresolvedStar unresolved_star = 5;
    Alias alias = 6;
    Cast cast = 7;
    SortOrder sort_order = 9;
    LambdaFunction lambda_function = 10;
    Window window = 11;
    UnresolvedExtractValue unresolved_extract_value = 12;
    UnresolvedNamedLambdaVariable unresolved_named_lambda_variable = 14;
  }

  message Window {
    Expression window_function = 1;
    repeated Expression partition_spec = 2;
    repeated SortOrder order_spec = 3;
    WindowFrame frame_spec = 4;
    message WindowFrame {
      FrameType frame_type = 1;
      FrameBoundary lower = 2;
      FrameBoundary upper = 3;
      enum FrameType {
        FRAME_TYPE_UNDEFINED = 0;
        FRAME_TYPE_ROW = 1;
        FRAME_TYPE_RANGE = 2;
      }
      message FrameBoundary {
        oneof boundary {
          bool current_row = 1;
          bool unbounded = 2;
          Expression value = 3;
        }
      }
    }
  }

  message SortOrder {
    Expression child = 1;
    SortDirection direction = 2;
    NullOrdering null_ordering = 3;
    enum SortDirection {
      SORT_DIRECTION_UNSPECIFIED = 0;
      SORT_DIRECTION_ASCENDING = 1;
      SORT_DIRECTION_DESCENDING = 2;
    }
    enum NullOrdering {
      SORT_NULLS_UNSPECIFIED = 0;
      SORT_NULLS_FIRST = 1;
      SORT_NULLS_LAST = 2;
    }
  }

  message Cast {
    Expression expr = 1;
    oneof cast_to_type {
      DataType type = 2;
      string type_str = 3;
    }
    EvalMode eval_mode = 4;
    enum EvalMode {
      EVAL_MODE_UNSPECIFIED = 0;
      EVAL_MODE_LEGACY = 1;
      EVAL_MODE_ANSI = 2;
      EVAL_MODE_TRY = 3;
    }
  }

  message Literal {
    oneof literal_type {
      DataType null = 1;
      bytes binary = 2;
      bool boolean = 3;
      int32 byte = 4;
      int32 short = 5;
      int32 integer = 6;
      int64 long = 7;
      float float = 10;
      double double = 11;
      Decimal decimal = 12;
      string string = 13;
      int32 date = 16;
      int64 timestamp = 17;
      int64 timestamp_ntz = 18;
      CalendarInterval calendar_interval = 19;
      int32 year_month_interval = 20;
      int64 day_time_interval = 21;
      Array array = 22;
      Map map = 23;
      Struct struct = 24;
    }
    message Decimal {
      string value = 1;
      optional int32 precision = 2;
      optional int32 scale = 3;
    }
    message CalendarInterval {
      int32 months = 1;
      int32 days = 2;
      int64 microseconds = 3;
    }
    message Array {
      DataType element_type = 1;
      repeated Literal elements = 2;
    }
    message Map {
      DataType key_type = 1;
      DataType value_type = 2;
      repeated Literal keys = 3;
      repeated Literal values = 4;
    }
    message Struct {
      DataType struct_type = 1;
      repeated Literal elements = 2;
    }
  }

  message UnresolvedAttribute {
    string unparsed_identifier = 1;
    optional int64 plan_id = 2;
  }

  message UnresolvedFunction {
    string function_name = 1;
    repeated Expression arguments = 2;
    bool is_distinct = 3;
    bool is_user_defined_function = 4;
  }

  message ExpressionString {
    string expression = 1;
  }

  message UnresolvedStar {
    optional string unparsed_target = 1;
    optional int64 plan_id = 2;
  }

  message UnresolvedExtractValue {
    Expression child = 1;
    Expression extraction = 2;
  }

  message Alias {
    Expression expr = 1;
    repeated string name = 2;
    optional string metadata = 3;
  }

  message LambdaFunction {
    Expression function = 1;
    repeated UnresolvedNamedLambdaVariable arguments = 2;
  }

  message UnresolvedNamedLambdaVariable {
    repeated string name_parts = 1;
  }
}
`;

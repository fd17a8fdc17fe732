/**
 * Sluice's own definitions of the Spark Connect messages it uses (base.proto: requests, responses, plans; commands.proto), as .proto text parsed
 * with protobufjs on first use (connect-proto.ts). Message names, field numbers and types are
 * protocol facts taken from the descriptors pip pyspark 4.0.1 ships (pyspark/sql/connect/proto/
 * base_pb2.py, commands_pb2.py); test/connect/proto-descriptors.test.ts checks every message here against them.
 * Only what the client sends or reads is declared: undeclared fields a server sends are skipped.
 */
export const BASE_PROTO = `
// ---- base.proto ----

message Plan {
  oneof op_type {
    Relation root = 1;
    Command command = 2;
  }
}

message UserContext {
  string user_id = 1;
  string user_name = 2;
}

message AnalyzePlanRequest {
  string session_id = 1;
  UserContext user_context = 2;
  optional string client_type = 3;
  oneof analyze {
    Schema schema = 4;
    Explain explain = 5;
    IsStreaming is_streaming = 8;
    SparkVersion spark_version = 10;
  }
  message Schema {
    Plan plan = 1;
  }
  message Explain {
    Plan plan = 1;
    ExplainMode explain_mode = 2;
    enum ExplainMode {
      EXPLAIN_MODE_UNSPECIFIED = 0;
      EXPLAIN_MODE_SIMPLE = 1;
      EXPLAIN_MODE_EXTENDED = 2;
      EXPLAIN_MODE_CODEGEN = 3;
      EXPLAIN_MODE_COST = 4;
      EXPLAIN_MODE_FORMATTED = 5;
    }
  }
  message IsStreaming {
    Plan plan = 1;
  }
  message SparkVersion {}
}

message AnalyzePlanResponse {
  string session_id = 1;
  string server_side_session_id = 15;
  oneof result {
    Schema schema = 2;
    Explain explain = 3;
    IsStreaming is_streaming = 6;
    SparkVersion spark_version = 8;
  }
  message Schema {
    DataType schema = 1;
  }
  message Explain {
    string explain_string = 1;
  }
  message IsStreaming {
    bool is_streaming = 1;
  }
  message SparkVersion {
    string version = 1;
  }
}

message ExecutePlanRequest {
  string session_id = 1;
  UserContext user_context = 2;
  Plan plan = 3;
  optional string client_type = 4;
  repeated RequestOption request_options = 5;
  optional string operation_id = 6;
  repeated string tags = 7;
  message RequestOption {
    oneof request_option {
      ReattachOptions reattach_options = 1;
    }
  }
}

message ExecutePlanResponse {
  string session_id = 1;
  string server_side_session_id = 15;
  string operation_id = 12;
  string response_id = 13;
  oneof response_type {
    ArrowBatch arrow_batch = 2;
    SqlCommandResult sql_command_result = 5;
    WriteStreamOperationStartResult write_stream_operation_start_result = 8;
    StreamingQueryCommandResult streaming_query_command_result = 9;
    StreamingQueryManagerCommandResult streaming_query_manager_command_result = 11;
    ResultComplete result_complete = 14;
  }
  repeated ObservedMetrics observed_metrics = 6;
  DataType schema = 7;
  message SqlCommandResult {
    Relation relation = 1;
  }
  message ObservedMetrics {
    string name = 1;
    repeated Expression.Literal values = 2;
    repeated string keys = 3;
    int64 plan_id = 4;
  }
  message ArrowBatch {
    int64 row_count = 1;
    bytes data = 2;
    optional int64 start_offset = 3;
  }
  message ResultComplete {}
}

message KeyValue {
  string key = 1;
  optional string value = 2;
}

message ConfigRequest {
  string session_id = 1;
  UserContext user_context = 2;
  Operation operation = 3;
  optional string client_type = 4;
  message Operation {
    oneof op_type {
      Set set = 1;
      GetOption get_option = 4;
      Unset unset = 6;
    }
  }
  message Set {
    repeated KeyValue pairs = 1;
  }
  message GetOption {
    repeated string keys = 1;
  }
  message Unset {
    repeated string keys = 1;
  }
}

message ConfigResponse {
  string session_id = 1;
  repeated KeyValue pairs = 2;
  repeated string warnings = 3;
  string server_side_session_id = 4;
}

message InterruptRequest {
  string session_id = 1;
  UserContext user_context = 2;
  optional string client_type = 3;
  InterruptType interrupt_type = 4;
  oneof interrupt {
    string operation_tag = 5;
    string operation_id = 6;
  }
  enum InterruptType {
    INTERRUPT_TYPE_UNSPECIFIED = 0;
    INTERRUPT_TYPE_ALL = 1;
    INTERRUPT_TYPE_TAG = 2;
    INTERRUPT_TYPE_OPERATION_ID = 3;
  }
}

message InterruptResponse {
  string session_id = 1;
  repeated string interrupted_ids = 2;
  string server_side_session_id = 3;
}

message ReattachOptions {
  bool reattachable = 1;
}

message ReattachExecuteRequest {
  string session_id = 1;
  UserContext user_context = 2;
  string operation_id = 3;
  optional string client_type = 4;
  optional string last_response_id = 5;
}

message ReleaseExecuteRequest {
  string session_id = 1;
  UserContext user_context = 2;
  string operation_id = 3;
  optional string client_type = 4;
  oneof release {
    ReleaseAll release_all = 5;
    ReleaseUntil release_until = 6;
  }
  message ReleaseAll {}
  message ReleaseUntil {
    string response_id = 1;
  }
}

message ReleaseExecuteResponse {
  string session_id = 1;
  optional string operation_id = 2;
  string server_side_session_id = 3;
}

message ReleaseSessionRequest {
  string session_id = 1;
  UserContext user_context = 2;
  optional string client_type = 3;
}

message ReleaseSessionResponse {
  string session_id = 1;
  string server_side_session_id = 2;
}

// ---- commands.proto ----

message Command {
  oneof command_type {
    WriteOperation write_operation = 2;
    CreateDataFrameViewCommand create_dataframe_view = 3;
    SqlCommand sql_command = 5;
    WriteStreamOperationStart write_stream_operation_start = 6;
    StreamingQueryCommand streaming_query_command = 7;
    StreamingQueryManagerCommand streaming_query_manager_command = 9;
  }
}

message SqlCommand {
  Relation input = 6;
}

message CreateDataFrameViewCommand {
  Relation input = 1;
  string name = 2;
  bool is_global = 3;
  bool replace = 4;
}

message WriteOperation {
  Relation input = 1;
  optional string source = 2;
  oneof save_type {
    string path = 3;
  }
  SaveMode mode = 5;
  repeated string partitioning_columns = 7;
  map<string, string> options = 9;
  enum SaveMode {
    SAVE_MODE_UNSPECIFIED = 0;
    SAVE_MODE_APPEND = 1;
    SAVE_MODE_OVERWRITE = 2;
    SAVE_MODE_ERROR_IF_EXISTS = 3;
    SAVE_MODE_IGNORE = 4;
  }
}

message WriteStreamOperationStart {
  Relation input = 1;
  string format = 2;
  map<string, string> options = 3;
  repeated string partitioning_column_names = 4;
  oneof trigger {
    string processing_time_interval = 5;
    bool available_now = 6;
    bool once = 7;
    string continuous_checkpoint_interval = 8;
  }
  string output_mode = 9;
  string query_name = 10;
  oneof sink_destination {
    string path = 11;
  }
}

message WriteStreamOperationStartResult {
  StreamingQueryInstanceId query_id = 1;
  string name = 2;
}

message StreamingQueryInstanceId {
  string id = 1;
  string run_id = 2;
}

message StreamingQueryCommand {
  StreamingQueryInstanceId query_id = 1;
  oneof command {
    bool status = 2;
    bool last_progress = 3;
    bool recent_progress = 4;
    bool stop = 5;
    bool process_all_available = 6;
    ExplainCommand explain = 7;
    bool exception = 8;
    AwaitTerminationCommand await_termination = 9;
  }
  message ExplainCommand {
    bool extended = 1;
  }
  message AwaitTerminationCommand {
    optional int64 timeout_ms = 2;
  }
}

message StreamingQueryCommandResult {
  StreamingQueryInstanceId query_id = 1;
  oneof result_type {
    StatusResult status = 2;
    RecentProgressResult recent_progress = 3;
    ExplainResult explain = 4;
    ExceptionResult exception = 5;
    AwaitTerminationResult await_termination = 6;
  }
  message StatusResult {
    string status_message = 1;
    bool is_data_available = 2;
    bool is_trigger_active = 3;
    bool is_active = 4;
  }
  message RecentProgressResult {
    repeated string recent_progress_json = 5;
  }
  message ExplainResult {
    string result = 1;
  }
  message ExceptionResult {
    optional string exception_message = 1;
    optional string error_class = 2;
    optional string stack_trace = 3;
  }
  message AwaitTerminationResult {
    bool terminated = 1;
  }
}

message StreamingQueryManagerCommand {
  oneof command {
    bool active = 1;
    string get_query = 2;
    AwaitAnyTerminationCommand await_any_termination = 3;
    bool reset_terminated = 4;
  }
  message AwaitAnyTerminationCommand {
    optional int64 timeout_ms = 1;
  }
}

message StreamingQueryManagerCommandResult {
  oneof result_type {
    ActiveResult active = 1;
    StreamingQueryInstance query = 2;
    AwaitAnyTerminationResult await_any_termination = 3;
    bool reset_terminated = 4;
  }
  message ActiveResult {
    repeated StreamingQueryInstance active_queries = 1;
  }
  message StreamingQueryInstance {
    StreamingQueryInstanceId id = 1;
    optional string name = 2;
  }
  message AwaitAnyTerminationResult {
    bool terminated = 1;
  }
}
`;

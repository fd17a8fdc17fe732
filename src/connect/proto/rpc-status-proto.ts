/**
 * google.rpc.Status and google.rpc.ErrorInfo (Google's published google/rpc/status.proto and
 * error_details.proto; names and numbers are protocol facts): a Spark Connect server puts a Status
 * whose details hold an ErrorInfo into the `grpc-status-details-bin` trailer of a failed call. Its
 * metadata carries Spark's error class (`errorClass`), `sqlState` and `classes` (Spark's
 * ErrorUtils in the connect server).
 */
export const RPC_STATUS_PROTO = `
syntax = "proto3";
package google.rpc;

message Status {
  int32 code = 1;
  string message = 2;
  repeated Any details = 3;
}

// google.protobuf.Any's shape, declared here so the file stands alone.
message Any {
  string type_url = 1;
  bytes value = 2;
}

message ErrorInfo {
  string reason = 1;
  string domain = 2;
  map<string, string> metadata = 3;
}
`;

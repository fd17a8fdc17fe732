/**
 * Messages between the main thread (parallel-read.ts) and a read worker (read-worker.ts). Only
 * plain data crosses: schemas in their JSON form, batches as value arrays (typed-array buffers are
 * transferred), errors as name/message plus the SluiceError fields.
 */
import type { WireError } from "../../common/worker-thread.js";
import type { VectorValues } from "../../columnar/vector.js";

export type MainToWorker =
  | {
      readonly t: "read";
      readonly id: number;
      readonly format: "json" | "csv";
      readonly path: string;
      /** `dataTypeToJson(schema)`. */
      readonly schema: unknown;
      readonly options: Readonly<Record<string, string>>;
      readonly timeZone: string;
      readonly batchSize: number;
      /** Batches the worker may post ahead of the main thread's acks. */
      readonly window: number;
      /** The session's Hadoop configs (a worker thread has none of its own): how to reach an object store. */
      readonly hadoopConf: readonly (readonly [string, string])[];
      /** Read only the JSON lines starting in this byte range (file-pieces.ts). */
      readonly range?: { readonly start: number; readonly end: number };
    }
  | { readonly t: "ack"; readonly id: number }
  | { readonly t: "cancel"; readonly id: number };

/**
 * A string column travels as one string plus each value's length: cloning one long string is a
 * copy, while cloning 65,536 short ones costs ~60 ns each on the (busier) receiving side.
 */
export interface JoinedStrings {
  readonly joined: string;
  readonly lengths: Int32Array;
}

export interface WireColumn {
  readonly values: VectorValues | JoinedStrings;
  readonly validity: Uint8Array | null;
}

export type WorkerToMain =
  | { readonly t: "batch"; readonly id: number; readonly numRows: number; readonly columns: readonly WireColumn[] }
  /**
   * `lines`: lines the task read (for a range: what later ranges add to their error lines);
   * `malformed`/`dropped`: its malformed records (see row-assembler.ts MalformedCounts).
   */
  | { readonly t: "done"; readonly id: number; readonly lines: number; readonly malformed: number; readonly dropped: number }
  | { readonly t: "error"; readonly id: number; readonly error: WireError };

/**
 * The manifest a streaming file sink keeps in `<output>/_spark_metadata/N` (Spark's
 * FileStreamSinkLog): one JSON line per file the batch committed. Batch readers of the folder
 * trust only these files.
 */
import { SluiceError } from "../../common/errors.js";
import { MetadataLog, parseJsonFrom } from "../../streaming/checkpoint/metadata-log.js";

export interface SinkFileStatus {
  readonly path: string;
  readonly size: number;
  readonly isDir: boolean;
  readonly modificationTime: number;
  readonly blockReplication: number;
  readonly blockSize: number;
  readonly action: "add" | "delete";
}

export class FileStreamSinkLog extends MetadataLog<readonly SinkFileStatus[]> {
  protected serialize(entries: readonly SinkFileStatus[]): string {
    return entries.map((e) => JSON.stringify(e)).join("\n");
  }
  protected deserialize(body: string, file: string): readonly SinkFileStatus[] {
    return body
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => {
        const e = parseJsonFrom(l, file) as Partial<SinkFileStatus>;
        if (typeof e.path !== "string" || (e.action !== "add" && e.action !== "delete")) {
          throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Manifest file ${file} is corrupt: an entry lacks path/action`, { file });
        }
        return e as SinkFileStatus;
      });
  }

  /** The files committed by all manifest entries (adds minus deletes). */
  committedFiles(): string[] {
    const files = new Set<string>();
    for (const id of this.listBatchIds()) {
      for (const e of this.get(id)!) {
        if (e.action === "add") files.add(e.path);
        else files.delete(e.path);
      }
    }
    return [...files];
  }
}


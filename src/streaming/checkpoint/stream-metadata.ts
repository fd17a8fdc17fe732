/**
 * `<checkpoint>/metadata`: the query id, stable across restarts of the same checkpoint.
 * Also records a fingerprint of the query's sources and sink so that restarting a different
 * query on the same checkpoint fails clearly instead of mixing offsets.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { SluiceError } from "../../common/errors.js";
import { writeFileAtomic } from "./atomic-file.js";
import { parseJsonFrom } from "./metadata-log.js";

export interface StreamMetadata {
  readonly id: string;
  /** e.g. ["memory:events", "json:/data/in"] — the sources in plan order. */
  readonly sources: readonly string[];
  readonly sink: string;
}

export function readOrCreateStreamMetadata(checkpointDir: string, sources: readonly string[], sink: string): StreamMetadata {
  const file = join(checkpointDir, "metadata");
  if (!existsSync(file)) {
    const md: StreamMetadata = { id: randomUUID(), sources, sink };
    if (writeFileAtomic(file, `v1\n${JSON.stringify(md)}`, { createOnly: true })) return md;
  }
  const text = readFileSync(file, "utf8");
  const nl = text.indexOf("\n");
  if (nl < 0 || text.slice(0, nl).trim() !== "v1") {
    throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} is corrupt: expected a v1 header`, { file });
  }
  const md = parseJsonFrom(text.slice(nl + 1), file) as Partial<StreamMetadata>;
  if (typeof md.id !== "string" || !Array.isArray(md.sources) || typeof md.sink !== "string") {
    throw new SluiceError("input", "CHECKPOINT_CORRUPT", `Checkpoint file ${file} is corrupt: missing id, sources or sink`, { file });
  }
  if (md.sources.length !== sources.length || md.sources.some((s, i) => s !== sources[i])) {
    throw new SluiceError(
      "analysis",
      "CHECKPOINT_INCOMPATIBLE_QUERY",
      `The checkpoint at ${checkpointDir} belongs to a query reading [${md.sources.join(", ")}], but this query reads [${sources.join(", ")}]. Use a new checkpointLocation for a changed query.`,
      { file },
    );
  }
  return md as StreamMetadata;
}

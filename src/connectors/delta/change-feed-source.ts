/**
 * Streaming reads of a Delta table's change data feed (`readStream.format("delta")
 * .option("readChangeFeed", "true").option("startingVersion", V)`, Delta's CDC streaming): each
 * micro-batch is every whole commit after the last one read, up to the latest, as readChangeFeed
 * gives it (change-feed.ts). An offset is the last version read
 * (`{sourceVersion, reservoirVersion}`); the first batch starts at startingVersion, or the first
 * commit at or after startingTimestamp. Sluice needs one of them: without it delta-spark first
 * streams the table's snapshot as inserts, which Sluice does not. Rate limits and the
 * ignoreDeletes / ignoreChanges / skipChangeCommits options are refused by name.
 */
import { SluiceError, configError, inputError } from "../../common/errors.js";
import { LogStore } from "../../delta/log-store.js";
import type { ExecutionPlan } from "../../physical/execution-plan.js";
import type { StructType } from "../../types/struct-type.js";
import type { Offset, ReadLimit, StreamSource } from "../api/source.js";
import { type ChangeFeedRange, readChangeFeed } from "./change-feed.js";

interface ChangeFeedOffset {
  /** The last version read; -1 before the first batch. */
  readonly reservoirVersion: number;
}

const UNSUPPORTED = ["maxFilesPerTrigger", "maxBytesPerTrigger", "ignoreDeletes", "ignoreChanges", "skipChangeCommits"];

/** True when a streaming delta read's options ask for the change feed. */
export function isChangeFeedStream(options: Readonly<Record<string, string>>): boolean {
  const entry = Object.entries(options).find(([k]) => ["readchangefeed", "readchangedata"].includes(k.toLowerCase()));
  const flag = entry?.[1].trim().toLowerCase();
  if (flag === undefined || flag === "false") return false;
  if (flag !== "true") throw configError("INVALID_OPTION", `readChangeFeed must be 'true' or 'false', got ${JSON.stringify(entry![1])}`, { option: "readChangeFeed" });
  return true;
}

export class ChangeFeedSource implements StreamSource {
  readonly description: string;
  readonly #store: LogStore;
  readonly #start: ChangeFeedRange;

  constructor(
    readonly tablePath: string,
    readonly schema: StructType,
    options: Readonly<Record<string, string>>,
  ) {
    this.description = `DeltaSource[${tablePath}]`;
    this.#store = new LogStore(tablePath);
    const o = new Map(Object.entries(options).map(([k, v]) => [k.toLowerCase(), v.trim()]));
    const stray = UNSUPPORTED.filter((k) => o.has(k.toLowerCase()));
    if (stray.length > 0) {
      throw new SluiceError("unsupported", "DELTA_UNSUPPORTED_OPTION", `${stray.join(", ")} on a streaming read of the change data feed is not supported: each micro-batch reads every new commit whole`, {
        format: "delta",
        option: stray[0]!,
      });
    }
    const version = o.get("startingversion");
    const timestamp = o.get("startingtimestamp");
    if (version !== undefined && !/^\d+$/.test(version)) throw configError("INVALID_OPTION", `startingVersion must be a non-negative integer for a change data feed stream, got ${JSON.stringify(version)}`, { option: "startingVersion" });
    if (version === undefined && timestamp === undefined) {
      throw configError(
        "DELTA_NO_START_FOR_CDC_READ",
        "A streaming read of the change data feed needs startingVersion or startingTimestamp in Sluice (delta-spark would first stream the table's snapshot as inserts): option(\"startingVersion\", 0)",
        { format: "delta" },
      );
    }
    this.#start = version !== undefined ? { startingVersion: Number(version) } : { startingTimestamp: timestamp! };
  }

  initialOffset(): Offset {
    return { reservoirVersion: -1 } satisfies ChangeFeedOffset;
  }

  defaultReadLimit(): ReadLimit {
    return { kind: "all" };
  }

  async latestOffset(start: Offset): Promise<Offset> {
    const s = (start as ChangeFeedOffset).reservoirVersion;
    const latest = (await this.#store.list()).commits.at(-1)?.version ?? -1;
    const first = s >= 0 ? s + 1 : (this.#start.startingVersion ?? 0);
    return latest >= first ? ({ reservoirVersion: latest } satisfies ChangeFeedOffset) : start;
  }

  getBatch(start: Offset, end: Offset): ExecutionPlan {
    const s = (start as ChangeFeedOffset).reservoirVersion;
    const e = (end as ChangeFeedOffset).reservoirVersion;
    const range: ChangeFeedRange = { ...(s >= 0 ? { startingVersion: s + 1 } : this.#start), endingVersion: e };
    const { tablePath, schema } = this;
    return {
      name: "ChangeFeedScanExec",
      schema,
      children: [],
      describe: () => `ChangeFeedScanExec: ${tablePath} (${s}, ${e}]`,
      execute: (ctx) => readChangeFeed(tablePath, range, schema, ctx.batchSize),
    };
  }

  serializeOffset(offset: Offset): string {
    return JSON.stringify({ sourceVersion: 1, reservoirVersion: (offset as ChangeFeedOffset).reservoirVersion });
  }

  deserializeOffset(json: string): Offset {
    let o: Partial<ChangeFeedOffset>;
    try {
      o = JSON.parse(json) as Partial<ChangeFeedOffset>;
    } catch (e) {
      throw inputError("INVALID_OFFSET", `Invalid Delta change feed offset ${json}`, {}, e);
    }
    if (typeof o.reservoirVersion !== "number") throw inputError("INVALID_OFFSET", `Invalid Delta change feed offset ${json}: expected reservoirVersion`);
    return { reservoirVersion: o.reservoirVersion } satisfies ChangeFeedOffset;
  }

  async commit(): Promise<void> {}
  async stop(): Promise<void> {}
}

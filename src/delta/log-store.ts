/**
 * The `_delta_log` folder of one table on any file system (src/fs): listing commits and
 * checkpoints, reading a commit, and publishing a new commit only if its version is absent — the
 * atomic put-if-absent the protocol's mutual exclusion needs (locally temp file + hard link; on
 * S3 and Azure a PUT with `If-None-Match: *`, so concurrent writers need no external lock).
 */
import type { FileSystem } from "../fs/file-system.js";
import { fileSystemFor } from "../fs/file-systems.js";
import { joinPath, pathName } from "../fs/path.js";
import { inputError } from "../common/errors.js";
import { writeFileAtomic } from "../streaming/checkpoint/atomic-file.js";
import { type Action, parseCommit, serializeCommit } from "./actions.js";

export const LOG_DIR = "_delta_log";

/** `00000000000000000042.json`: the version zero-padded to 20 digits. */
export const commitFileName = (version: number): string => `${padVersion(version)}.json`;
export const padVersion = (version: number): string => String(version).padStart(20, "0");

export interface CommitFileRef {
  readonly version: number;
  readonly path: string;
  readonly mtimeMs: number;
}

/**
 * A classic (`parts` = 1), multi-part, or UUID-named V2 (`parts` = 1, a `.json` or `.parquet`
 * file that may name sidecar files) checkpoint; `complete` is false when parts are missing.
 */
export interface CheckpointRef {
  readonly version: number;
  readonly parts: number;
  readonly paths: readonly string[];
  readonly complete: boolean;
}

export interface LogListing {
  /** Commit files, ascending by version (gaps possible: checked by the snapshot). */
  readonly commits: readonly CommitFileRef[];
  /** Complete and incomplete checkpoints, ascending by version. */
  readonly checkpoints: readonly CheckpointRef[];
}

/** The `_last_checkpoint` hint. */
export interface LastCheckpoint {
  readonly version: number;
  readonly size: number;
  readonly parts?: number;
  readonly sizeInBytes?: number;
  readonly numOfAddFiles?: number;
}

const COMMIT_RE = /^(\d{20})\.json$/;
const CLASSIC_RE = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_RE = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
const V2_RE = /^(\d{20})\.checkpoint\.[0-9a-fA-F-]{36}\.(json|parquet)$/;

export class LogStore {
  readonly logPath: string;
  readonly #fs: FileSystem;

  constructor(readonly tablePath: string) {
    this.logPath = joinPath(tablePath, LOG_DIR);
    this.#fs = fileSystemFor(this.logPath);
  }

  /** True when `_delta_log` exists and is a folder. */
  async exists(): Promise<boolean> {
    return this.#fs.getFileStatus(this.logPath)?.isDirectory === true;
  }

  /** List commits and checkpoints (with commit mtimes, used for timestamp time travel); empty when the log is absent. */
  async list(): Promise<LogListing> {
    const entries = this.#fs.listStatus(this.logPath);
    const commits: CommitFileRef[] = [];
    const multi = new Map<string, { version: number; total: number; parts: Map<number, string> }>();
    const checkpoints: CheckpointRef[] = [];
    for (const entry of entries) {
      const name = pathName(entry.path);
      let m = COMMIT_RE.exec(name);
      if (m) {
        commits.push({ version: Number(m[1]), path: joinPath(this.logPath, name), mtimeMs: entry.modificationTime });
        continue;
      }
      if ((m = CLASSIC_RE.exec(name))) {
        checkpoints.push({ version: Number(m[1]), parts: 1, paths: [joinPath(this.logPath, name)], complete: true });
      } else if ((m = MULTI_RE.exec(name))) {
        const key = `${m[1]}/${Number(m[3])}`;
        const g = multi.get(key) ?? { version: Number(m[1]), total: Number(m[3]), parts: new Map<number, string>() };
        g.parts.set(Number(m[2]), joinPath(this.logPath, name));
        multi.set(key, g);
      } else if ((m = V2_RE.exec(name))) {
        checkpoints.push({ version: Number(m[1]), parts: 1, paths: [joinPath(this.logPath, name)], complete: true });
      }
    }
    for (const g of multi.values()) {
      const paths: string[] = [];
      for (let p = 1; p <= g.total; p++) {
        const path = g.parts.get(p);
        if (path) paths.push(path);
      }
      checkpoints.push({ version: g.version, parts: g.total, paths, complete: paths.length === g.total });
    }
    commits.sort((a, b) => a.version - b.version);
    checkpoints.sort((a, b) => a.version - b.version || a.parts - b.parts);
    return { commits, checkpoints };
  }

  /** Read and parse the commit file of `version`. */
  async readCommit(version: number): Promise<Action[]> {
    const path = joinPath(this.logPath, commitFileName(version));
    let text: string;
    try {
      text = this.#fs.open(path).toString("utf8");
    } catch (e) {
      throw inputError(
        "DELTA_LOG_FILE_NOT_FOUND",
        `Cannot read Delta commit ${path}: ${(e as Error).message}. The log may have been cleaned up or damaged.`,
        { file: path, version },
        e,
      );
    }
    return parseCommit(text, path);
  }

  /**
   * Publish `version` with `actions` only if no commit of that version exists.
   * Returns false (writing nothing) when another writer already holds the version.
   */
  writeCommit(version: number, actions: readonly Action[]): boolean {
    return writeFileAtomic(joinPath(this.logPath, commitFileName(version)), serializeCommit(actions), { createOnly: true });
  }

  /** The `_last_checkpoint` hint, or null when it is missing or unreadable (then readers list). */
  async readLastCheckpoint(): Promise<LastCheckpoint | null> {
    let text: string;
    try {
      text = this.#fs.open(joinPath(this.logPath, "_last_checkpoint")).toString("utf8");
    } catch {
      return null;
    }
    try {
      const o = JSON.parse(text) as Record<string, unknown>;
      if (typeof o.version !== "number" || !Number.isInteger(o.version) || o.version < 0) return null;
      return {
        version: o.version,
        size: typeof o.size === "number" ? o.size : 0,
        ...(typeof o.parts === "number" ? { parts: o.parts } : {}),
        ...(typeof o.sizeInBytes === "number" ? { sizeInBytes: o.sizeInBytes } : {}),
        ...(typeof o.numOfAddFiles === "number" ? { numOfAddFiles: o.numOfAddFiles } : {}),
      };
    } catch {
      return null;
    }
  }

  /** Replace `_last_checkpoint` atomically. */
  writeLastCheckpoint(lc: LastCheckpoint): void {
    writeFileAtomic(joinPath(this.logPath, "_last_checkpoint"), JSON.stringify(lc));
  }
}

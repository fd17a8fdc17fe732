/**
 * Action reconciliation (PROTOCOL.md §Action Reconciliation), applied commit by commit in
 * version order:
 *   1. the latest `protocol` and the latest `metaData` win (a metaData replaces the old one);
 *   2. files are keyed by (canonical path, deletion vector id): an `add` makes the key live and
 *      drops its tombstone, a `remove` drops the live file and leaves a tombstone;
 *   3. the latest `txn` per appId wins; the latest `domainMetadata` per domain wins (removed
 *      domains are dropped).
 * commitInfo and cdc actions do not change table state.
 */
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Action, AddFile, DomainMetadata, Metadata, Protocol, RemoveFile, Txn } from "./actions.js";
import { dvId } from "./actions.js";

export class LogReplay {
  protocol: Protocol | null = null;
  metadata: Metadata | null = null;
  readonly files = new Map<string, AddFile>();
  readonly tombstones = new Map<string, RemoveFile>();
  readonly txns = new Map<string, Txn>();
  readonly domains = new Map<string, DomainMetadata>();

  constructor(readonly tablePath: string) {}

  /** Apply one commit's (or a checkpoint's) actions. */
  apply(actions: readonly Action[]): void {
    for (const a of actions) {
      switch (a.kind) {
        case "protocol":
          this.protocol = a.value;
          break;
        case "metaData":
          this.metadata = a.value;
          break;
        case "add": {
          const key = fileKey(this.tablePath, a.value.path, a.value.deletionVector);
          this.files.set(key, a.value);
          this.tombstones.delete(key);
          break;
        }
        case "remove": {
          const key = fileKey(this.tablePath, a.value.path, a.value.deletionVector);
          this.files.delete(key);
          this.tombstones.set(key, a.value);
          break;
        }
        case "txn":
          this.txns.set(a.value.appId, a.value);
          break;
        case "domainMetadata":
          if (a.value.removed) this.domains.delete(a.value.domain);
          else this.domains.set(a.value.domain, a.value);
          break;
        case "commitInfo":
        case "cdc":
          break;
      }
    }
  }
}

/** The reconciliation key of a file action. */
export function fileKey(tablePath: string, path: string, dv: AddFile["deletionVector"]): string {
  const id = dvId(dv);
  const abs = absoluteDataPath(tablePath, path);
  return id ? `${abs}\u0000${id}` : abs;
}

/**
 * The file-system path of a data file: the log path is a URI (RFC 2396), relative to the table
 * root or absolute (`/a/b`, `file:/a/b`, `file:///a/b`), URI-decoded once.
 */
export function absoluteDataPath(tablePath: string, path: string): string {
  if (path.startsWith("file:")) {
    const rest = path.slice(5).replace(/^\/\/(?=\/)/, "");
    try {
      return fileURLToPath(`file://${rest.startsWith("/") ? rest : `/${rest}`}`);
    } catch {
      return safeDecode(rest);
    }
  }
  const decoded = safeDecode(path);
  return isAbsolute(decoded) ? resolve(decoded) : resolve(tablePath, decoded);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The log path for a file written under the table root: relative, URI-encoded per segment. */
export function relativeLogPath(relative: string): string {
  return relative
    .split("/")
    .map((seg) => encodeURIComponent(seg).replace(/%3D/g, "="))
    .join("/");
}

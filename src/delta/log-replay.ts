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
import type { Action, AddFile, DomainMetadata, Metadata, Protocol, RemoveFile, Txn } from "./actions.js";
import { dvId } from "./actions.js";
import { type LogLocation, type PathOrigin, dataFilePath } from "./data-path.js";

export class LogReplay {
  protocol: Protocol | null = null;
  metadata: Metadata | null = null;
  readonly files = new Map<string, AddFile>();
  readonly tombstones = new Map<string, RemoveFile>();
  readonly txns = new Map<string, Txn>();
  readonly domains = new Map<string, DomainMetadata>();

  constructor(readonly tablePath: string) {}

  /**
   * Apply one commit's (or a checkpoint's) actions, read from `where`. Throws
   * DELTA_PATH_OUTSIDE_TABLE for an add or remove whose path leaves the table (data-path.ts).
   */
  apply(actions: readonly Action[], where: LogLocation): void {
    for (const a of actions) {
      switch (a.kind) {
        case "protocol":
          this.protocol = a.value;
          break;
        case "metaData":
          this.metadata = a.value;
          break;
        case "add": {
          const key = fileKey(this.tablePath, a.value.path, a.value.deletionVector, { action: "add", ...where });
          this.files.set(key, a.value);
          this.tombstones.delete(key);
          break;
        }
        case "remove": {
          const key = fileKey(this.tablePath, a.value.path, a.value.deletionVector, { action: "remove", ...where });
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

/** The reconciliation key of a file action (its resolved path, checked to be inside the table). */
export function fileKey(tablePath: string, path: string, dv: AddFile["deletionVector"], origin?: PathOrigin): string {
  const id = dvId(dv);
  const abs = dataFilePath(tablePath, path, origin);
  return id ? `${abs}\u0000${id}` : abs;
}

/**
 * PySpark's StorageLevel: where a persisted DataFrame's blocks would live. Sluice keeps every
 * persisted DataFrame's rows in memory whatever the level (docs/differences.md); the level is
 * recorded and reported as Spark reports it.
 */
import { inputError } from "../common/errors.js";

/** The storage levels `df.persist(level)` accepts, named as in PySpark (`MEMORY_ONLY`, `MEMORY_AND_DISK`, …); the rows stay in memory whatever the level. */
export class StorageLevel {
  constructor(
    readonly useDisk: boolean,
    readonly useMemory: boolean,
    readonly useOffHeap: boolean,
    readonly deserialized: boolean,
    readonly replication = 1,
  ) {}

  static readonly NONE = new StorageLevel(false, false, false, false);
  static readonly DISK_ONLY = new StorageLevel(true, false, false, false);
  static readonly DISK_ONLY_2 = new StorageLevel(true, false, false, false, 2);
  static readonly DISK_ONLY_3 = new StorageLevel(true, false, false, false, 3);
  static readonly MEMORY_ONLY = new StorageLevel(false, true, false, false);
  static readonly MEMORY_ONLY_2 = new StorageLevel(false, true, false, false, 2);
  static readonly MEMORY_AND_DISK = new StorageLevel(true, true, false, false);
  static readonly MEMORY_AND_DISK_2 = new StorageLevel(true, true, false, false, 2);
  static readonly OFF_HEAP = new StorageLevel(true, true, true, false);
  /** PySpark's default for cache() and persist(). */
  static readonly MEMORY_AND_DISK_DESER = new StorageLevel(true, true, false, true);

  /** A level by its PySpark constant name, e.g. "MEMORY_ONLY". */
  static fromName(name: string): StorageLevel {
    const key = name.toUpperCase();
    const found = (StorageLevel as unknown as Record<string, unknown>)[key];
    if (!(found instanceof StorageLevel)) {
      throw inputError("INVALID_STORAGE_LEVEL", `Unknown storage level '${name}'. Use one of: ${LEVEL_NAMES.join(", ")}.`, { level: name });
    }
    return found;
  }

  /** Spark's StorageLevel.description, which PySpark's str() prints: "Disk Memory Deserialized 1x Replicated". */
  toString(): string {
    const memory = this.useMemory ? (this.useOffHeap ? "Memory (off heap) " : "Memory ") : "";
    return `${this.useDisk ? "Disk " : ""}${memory}${this.deserialized ? "Deserialized " : "Serialized "}${this.replication}x Replicated`;
  }

  equals(other: StorageLevel): boolean {
    return this.toString() === other.toString();
  }
}

const LEVEL_NAMES = Object.keys(StorageLevel).filter((k) => (StorageLevel as unknown as Record<string, unknown>)[k] instanceof StorageLevel);

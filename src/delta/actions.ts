/**
 * Delta log actions (PROTOCOL.md §Actions): the typed form of one line of a commit file,
 * a validating parser for newline-delimited JSON commits, and the serialiser writers use.
 *
 * Parsing accepts what the protocol allows and ignores unknown fields and unknown action
 * types (they are never required: §Protocol Evolution). Writing emits only what Sluice
 * supports: an action carrying a deletion vector is refused.
 */
import { inputError } from "../common/errors.js";

export interface Protocol {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  /** Present only when minReaderVersion = 3. */
  readonly readerFeatures?: readonly string[];
  /** Present only when minWriterVersion = 7. */
  readonly writerFeatures?: readonly string[];
}

export interface Metadata {
  readonly id: string;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly format: { readonly provider: string; readonly options: Readonly<Record<string, string>> };
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly createdTime?: number | null;
}

export interface DeletionVectorDescriptor {
  readonly storageType: string;
  readonly pathOrInlineDv: string;
  readonly offset?: number | null;
  readonly sizeInBytes: number;
  readonly cardinality: number;
  readonly maxRowIndex?: number | null;
}

/** Partition values as the log stores them: text, null for a null value. */
export type PartitionValues = Readonly<Record<string, string | null>>;

export interface AddFile {
  readonly path: string;
  readonly partitionValues: PartitionValues;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** Per-file statistics as a JSON string (see stats.ts). */
  readonly stats?: string | null;
  readonly tags?: Readonly<Record<string, string>> | null;
  readonly deletionVector?: DeletionVectorDescriptor | null;
  readonly baseRowId?: number | null;
  readonly defaultRowCommitVersion?: number | null;
  readonly clusteringProvider?: string | null;
}

export interface RemoveFile {
  readonly path: string;
  readonly dataChange: boolean;
  readonly deletionTimestamp?: number | null;
  readonly extendedFileMetadata?: boolean | null;
  readonly partitionValues?: PartitionValues | null;
  readonly size?: number | null;
  readonly stats?: string | null;
  readonly tags?: Readonly<Record<string, string>> | null;
  readonly deletionVector?: DeletionVectorDescriptor | null;
  readonly baseRowId?: number | null;
  readonly defaultRowCommitVersion?: number | null;
}

export interface AddCDCFile {
  readonly path: string;
  readonly partitionValues: PartitionValues;
  readonly size: number;
  readonly dataChange: boolean;
  readonly tags?: Readonly<Record<string, string>> | null;
}

export interface Txn {
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number | null;
}

/** Free-form; Sluice writes timestamp, operation, operationParameters, isBlindAppend, engineInfo, txnId. */
export interface CommitInfo {
  readonly timestamp?: number;
  readonly operation?: string;
  readonly operationParameters?: Readonly<Record<string, unknown>>;
  readonly readVersion?: number;
  readonly isolationLevel?: string;
  readonly isBlindAppend?: boolean;
  readonly operationMetrics?: Readonly<Record<string, unknown>>;
  readonly engineInfo?: string;
  readonly txnId?: string;
  readonly inCommitTimestamp?: number;
  readonly [key: string]: unknown;
}

export interface DomainMetadata {
  readonly domain: string;
  readonly configuration: string;
  readonly removed: boolean;
}

export interface ActionValues {
  protocol: Protocol;
  metaData: Metadata;
  add: AddFile;
  remove: RemoveFile;
  txn: Txn;
  commitInfo: CommitInfo;
  cdc: AddCDCFile;
  domainMetadata: DomainMetadata;
}
export type ActionKind = keyof ActionValues;
/** One action: `kind` is the JSON key the protocol uses (`add`, `metaData`, …). */
export type Action = { [K in ActionKind]: { readonly kind: K; readonly value: ActionValues[K] } }[ActionKind];

/** Build an action of the given kind. */
export const action = <K extends ActionKind>(kind: K, value: ActionValues[K]): Action => ({ kind, value }) as Action;

/** Where an action came from, for error messages. */
export interface ActionSource {
  readonly file: string;
  readonly line?: number;
}

/**
 * Parse a commit file's text: one JSON object per non-blank line.
 * Throws DELTA_INVALID_LOG_ENTRY naming the file and line on malformed JSON or a bad action.
 */
export function parseCommit(text: string, file: string): Action[] {
  const out: Action[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw bad({ file, line: i + 1 }, `is not valid JSON (${(e as Error).message})`, e);
    }
    const a = parseAction(obj, { file, line: i + 1 });
    if (a) out.push(a);
  }
  return out;
}

/** Validate one action object (`{"add": {...}}`); returns null for an unknown or empty action. */
export function parseAction(obj: unknown, src: ActionSource): Action | null {
  if (!isObj(obj)) throw bad(src, "is not a JSON object");
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === null || v === undefined) continue;
    const parser = PARSERS[key as ActionKind];
    if (!parser) continue; // unknown action types are ignored
    if (!isObj(v)) throw bad(src, `has a "${key}" action that is not an object`);
    return { kind: key, value: parser(new Fields(v, key, src)) } as Action;
  }
  return null;
}

const PARSERS: { [K in ActionKind]: (f: Fields) => ActionValues[K] } = {
  protocol: (f) => ({
    minReaderVersion: f.int("minReaderVersion"),
    minWriterVersion: f.int("minWriterVersion"),
    ...opt("readerFeatures", f.optStrings("readerFeatures")),
    ...opt("writerFeatures", f.optStrings("writerFeatures")),
  }),
  metaData: (f) => {
    const format = f.optObj("format");
    return {
      id: f.str("id"),
      name: f.optStr("name"),
      description: f.optStr("description"),
      format: {
        provider: format && typeof format.provider === "string" ? format.provider : "parquet",
        options: format && isObj(format.options) ? stringMap(format.options) : {},
      },
      schemaString: f.str("schemaString"),
      partitionColumns: f.optStrings("partitionColumns") ?? [],
      configuration: stringMap(f.optObj("configuration") ?? {}),
      createdTime: f.optNum("createdTime"),
    };
  },
  add: (f) => ({
    path: f.str("path"),
    partitionValues: f.partitionValues(),
    size: f.num("size"),
    modificationTime: f.num("modificationTime"),
    dataChange: f.bool("dataChange"),
    stats: f.optStr("stats"),
    tags: nullableMap(f.optObj("tags")),
    deletionVector: f.dv(),
    baseRowId: f.optNum("baseRowId"),
    defaultRowCommitVersion: f.optNum("defaultRowCommitVersion"),
    clusteringProvider: f.optStr("clusteringProvider"),
  }),
  remove: (f) => ({
    path: f.str("path"),
    dataChange: f.bool("dataChange"),
    deletionTimestamp: f.optNum("deletionTimestamp"),
    extendedFileMetadata: f.optBool("extendedFileMetadata"),
    partitionValues: f.optObj("partitionValues") ? f.partitionValues() : null,
    size: f.optNum("size"),
    stats: f.optStr("stats"),
    tags: nullableMap(f.optObj("tags")),
    deletionVector: f.dv(),
    baseRowId: f.optNum("baseRowId"),
    defaultRowCommitVersion: f.optNum("defaultRowCommitVersion"),
  }),
  txn: (f) => ({ appId: f.str("appId"), version: f.num("version"), lastUpdated: f.optNum("lastUpdated") }),
  commitInfo: (f) => f.raw as CommitInfo,
  cdc: (f) => ({
    path: f.str("path"),
    partitionValues: f.partitionValues(),
    size: f.num("size"),
    dataChange: f.optBool("dataChange") ?? false,
    tags: nullableMap(f.optObj("tags")),
  }),
  domainMetadata: (f) => ({
    domain: f.str("domain"),
    configuration: f.str("configuration"),
    removed: f.bool("removed"),
  }),
};

/** Typed access to the fields of one action object; errors name file, line, action and field. */
class Fields {
  constructor(
    readonly raw: Record<string, unknown>,
    private readonly kind: string,
    private readonly src: ActionSource,
  ) {}
  private fail(field: string, want: string): never {
    throw bad(this.src, `has "${this.kind}.${field}" ${this.raw[field] === undefined ? "missing" : `= ${JSON.stringify(this.raw[field])}`}; expected ${want}`);
  }
  str(k: string): string {
    const v = this.raw[k];
    return typeof v === "string" ? v : this.fail(k, "a string");
  }
  optStr(k: string): string | null {
    const v = this.raw[k];
    return v === undefined || v === null ? null : typeof v === "string" ? v : this.fail(k, "a string");
  }
  num(k: string): number {
    const v = this.raw[k];
    return typeof v === "number" && Number.isFinite(v) ? v : this.fail(k, "a number");
  }
  int(k: string): number {
    const v = this.num(k);
    return Number.isInteger(v) ? v : this.fail(k, "an integer");
  }
  optNum(k: string): number | null {
    const v = this.raw[k];
    return v === undefined || v === null ? null : this.num(k);
  }
  bool(k: string): boolean {
    const v = this.raw[k];
    return typeof v === "boolean" ? v : this.fail(k, "true or false");
  }
  optBool(k: string): boolean | null {
    const v = this.raw[k];
    return v === undefined || v === null ? null : this.bool(k);
  }
  optObj(k: string): Record<string, unknown> | null {
    const v = this.raw[k];
    return v === undefined || v === null ? null : isObj(v) ? v : this.fail(k, "an object");
  }
  optStrings(k: string): string[] | undefined {
    const v = this.raw[k];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) return this.fail(k, "an array of strings");
    return v as string[];
  }
  partitionValues(): PartitionValues {
    const o = this.optObj("partitionValues") ?? this.fail("partitionValues", "an object");
    const out: Record<string, string | null> = {};
    for (const [key, v] of Object.entries(o)) {
      if (v !== null && typeof v !== "string") this.fail("partitionValues", "string or null values");
      out[key] = v as string | null;
    }
    return out;
  }
  dv(): DeletionVectorDescriptor | null {
    const o = this.optObj("deletionVector");
    if (!o) return null;
    const f = new Fields(o, `${this.kind}.deletionVector`, this.src);
    return {
      storageType: f.str("storageType"),
      pathOrInlineDv: f.str("pathOrInlineDv"),
      offset: f.optNum("offset"),
      sizeInBytes: f.num("sizeInBytes"),
      cardinality: f.num("cardinality"),
      maxRowIndex: f.optNum("maxRowIndex"),
    };
  }
}

/** The key files are reconciled by: path plus the deletion vector's identity, if any. */
export function dvId(dv: DeletionVectorDescriptor | null | undefined): string {
  return dv ? `${dv.storageType}${dv.pathOrInlineDv}${dv.offset == null ? "" : `@${dv.offset}`}` : "";
}

/**
 * Serialise actions to a commit file's text: one single-line JSON object per action, each
 * line ending in "\n". Partition values stay strings (null for null), stats stay a JSON string.
 */
export function serializeCommit(actions: readonly Action[]): string {
  let out = "";
  for (const a of actions) out += serializeAction(a) + "\n";
  return out;
}

export function serializeAction(a: Action): string {
  return JSON.stringify({ [a.kind]: dropNulls(a.value as unknown as Record<string, unknown>, a.kind) });
}

/** Optional fields that are null/undefined are left out; partition values keep their nulls. */
function dropNulls(v: Record<string, unknown>, kind: ActionKind): Record<string, unknown> {
  if (kind === "commitInfo") return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = x;
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function stringMap(o: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== null && v !== undefined) out[k] = typeof v === "string" ? v : String(v);
  return out;
}
const nullableMap = (o: Record<string, unknown> | null): Record<string, string> | null => (o ? stringMap(o) : null);
const opt = <K extends string, V>(k: K, v: V | undefined): { [P in K]?: V } =>
  (v === undefined ? {} : { [k]: v }) as { [P in K]?: V };

function bad(src: ActionSource, what: string, cause?: unknown) {
  const where = src.line === undefined ? src.file : `${src.file} line ${src.line}`;
  return inputError(
    "DELTA_INVALID_LOG_ENTRY",
    `Delta log entry ${where} ${what}. The transaction log is damaged; restore the file or rewrite it.`,
    { file: src.file, line: src.line },
    cause,
  );
}

/**
 * Loading the parity corpus: cases (test/parity/cases/<area>/<nnn-name>.json), datasets
 * (test/parity/data/<name>.json), golden results (test/parity/expected/…) and the list of
 * deliberate differences (DIFFERENCES.md). The format is described in test/parity/README.md.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Json } from "./typed-json.js";

export const PARITY_DIR = join(import.meta.dirname, "..");

export interface FileInput {
  readonly format: string;
  /** Relative to test/parity/data/files. */
  readonly path: string;
  readonly options?: Readonly<Record<string, string>>;
  readonly schema?: string;
}

export interface Step {
  readonly op: string;
  readonly args?: readonly Json[];
  /** join only: alias for the other side. */
  readonly otherAlias?: string;
}

export interface ParityCase {
  readonly id: string;
  readonly description?: string;
  readonly tables?: readonly string[];
  readonly files?: Readonly<Record<string, FileInput>>;
  readonly conf?: Readonly<Record<string, string>>;
  readonly sql?: string;
  readonly input?: string;
  readonly steps?: readonly Step[];
  readonly ordered?: boolean;
  readonly expectError?: boolean;
}

export interface Dataset {
  readonly schema: string;
  readonly rows: readonly (readonly Json[])[];
}

export type Expected =
  | { readonly pyspark: string; readonly schema: string; readonly columns: readonly string[]; readonly rows: readonly (readonly Json[])[] }
  | { readonly pyspark: string; readonly error: string; readonly errorChain: readonly string[] };

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));

/** Every case, sorted by id (`<area>/<nnn-name>`). */
export function loadCases(root = PARITY_DIR): ParityCase[] {
  const casesDir = join(root, "cases");
  const out: ParityCase[] = [];
  for (const area of readdirSync(casesDir).sort()) {
    for (const file of readdirSync(join(casesDir, area)).sort()) {
      if (!file.endsWith(".json")) continue;
      const id = `${area}/${file.slice(0, -5)}`;
      out.push(validateCase(id, readJson(join(casesDir, area, file))));
    }
  }
  return out;
}

const KNOWN_KEYS = new Set(["description", "tables", "files", "conf", "sql", "input", "steps", "ordered", "expectError"]);

/** Check a case's shape; a malformed case is a corpus bug and is reported with every problem. */
export function validateCase(id: string, raw: unknown): ParityCase {
  const problems: string[] = [];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`parity case ${id}: not a JSON object`);
  const c = raw as Record<string, unknown>;
  for (const k of Object.keys(c)) if (!KNOWN_KEYS.has(k)) problems.push(`unknown key "${k}"`);
  const hasSql = typeof c.sql === "string";
  const hasSteps = Array.isArray(c.steps);
  if (hasSql === hasSteps) problems.push('exactly one of "sql" or "steps" is required');
  if (hasSteps && typeof c.input !== "string") problems.push('"steps" needs an "input" table name');
  const names = [...((c.tables as string[] | undefined) ?? []), ...Object.keys((c.files as object | undefined) ?? {})];
  if (typeof c.input === "string" && !names.includes(c.input)) problems.push(`input "${c.input}" is not among tables or files`);
  if (problems.length > 0) throw new Error(`parity case ${id}: ${problems.join("; ")}`);
  return { id, ...(c as Omit<ParityCase, "id">) };
}

const datasetCache = new Map<string, Dataset>();
export function loadDataset(name: string, root = PARITY_DIR): Dataset {
  let d = datasetCache.get(name);
  if (!d) {
    d = readJson(join(root, "data", `${name}.json`)) as Dataset;
    datasetCache.set(name, d);
  }
  return d;
}

export function loadExpected(id: string, root = PARITY_DIR): Expected | undefined {
  const path = join(root, "expected", `${id}.json`);
  return existsSync(path) ? (readJson(path) as Expected) : undefined;
}

export const filePath = (relative: string, root = PARITY_DIR): string => join(root, "data", "files", relative);

/**
 * Case ids listed under the "## Skipped cases" heading of DIFFERENCES.md, one per bullet:
 * "- `area/nnn-name`: why Sluice deliberately answers differently".
 */
export function parseSkipList(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const section = markdown.split(/^## /m).find((s) => s.startsWith("Skipped cases"));
  if (!section) return out;
  for (const m of section.matchAll(/^- `([^`]+)`[:\s—-]*(.*)$/gm)) out.set(m[1]!, m[2]!.trim());
  return out;
}

export function loadSkipList(root = PARITY_DIR): Map<string, string> {
  const path = join(root, "DIFFERENCES.md");
  return existsSync(path) ? parseSkipList(readFileSync(path, "utf8")) : new Map();
}

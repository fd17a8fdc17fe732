/**
 * Rows, not just file lists: every table in ../shared/delta-golden that delta-rs reads (its
 * DataFusion reader, recorded by scripts/oracle/delta_golden.py as canonical row texts) is read
 * by Sluice's Delta scan with the same rows, at the latest version and every earlier one. A
 * table Sluice does not read yet is listed in NOT_READ with the reason; any other refusal, or a
 * listed table that starts to read, fails the test (so the list stays true).
 */
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { getValue } from "../../src/columnar/column-batch.js";
import { SluiceError } from "../../src/common/errors.js";
import { readDeltaFiles } from "../../src/connectors/delta/delta-scan.js";
import { loadSnapshot } from "../../src/delta/snapshot.js";
import type { DataType } from "../../src/types/data-type.js";
import { formatDecimal } from "../../src/types/decimal-value.js";

/** Spark-written tables in ../shared/delta-golden, beside the repository (a missing folder fails). */
const GOLDEN_TABLES = join(import.meta.dirname, "..", "..", "..", "shared", "delta-golden");
const RECORDED = join(import.meta.dirname, "golden");

type Rows = string[] | { count: number; sha256: string } | { error: string };
interface View {
  error?: string;
  version?: number;
  rows?: Rows;
}
interface Recorded {
  table: string;
  latest: View;
  versions: Record<string, View>;
}

/** Tables delta-rs reads that Sluice does not read yet: the error code Sluice gives, and why. */
const NOT_READ: Record<string, { code: string; why: string }> = {};

const tmp = mkdtempSync(join(tmpdir(), "sluice-delta-golden-rows-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const recorded: Recorded[] = existsSync(RECORDED)
  ? readdirSync(RECORDED)
      .filter((f) => f.endsWith(".json"))
      .sort()
      .map((f) => JSON.parse(readFileSync(join(RECORDED, f), "utf8")) as Recorded)
  : [];

/** The canonical form of an engine value (cell() in delta_golden.py). */
function cell(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case "boolean":
    case "string":
      return v;
    case "byte":
    case "short":
    case "int":
    case "bigint":
      return String(v);
    case "float":
    case "double": {
      const x = v as number;
      if (Number.isNaN(x)) return "NaN";
      const dv = new DataView(new ArrayBuffer(8));
      dv.setFloat64(0, x);
      return Buffer.from(dv.buffer).toString("hex");
    }
    case "decimal":
      return formatDecimal(v as bigint, t.scale);
    case "date":
      return new Date((v as number) * 86_400_000).toISOString().slice(0, 10);
    // delta-rs gives both as µs since the epoch, a naive (NTZ) value read as UTC
    case "timestamp":
    case "timestamp_ntz":
      return String(v);
    case "binary":
      return Buffer.from(v as Uint8Array).toString("hex");
    case "array":
      return (v as unknown[]).map((e) => cell(e, t.elementType));
    case "map":
      return [...(v as Map<unknown, unknown>)].map(([k, x]) => [cell(k, t.keyType), cell(x, t.valueType)]).sort((a, b) => cmp(text(a), text(b)));
    case "struct": {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(t.fields.map((f) => [f.name, cell(o[f.name], f.type)]));
    }
    default:
      throw new Error(`no canonical form for ${t.kind}`);
  }
}

/** JSON with object keys sorted at every level, as Python's json.dumps(sort_keys=True). */
function text(v: unknown): string {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort(cmp).map((k) => `${JSON.stringify(k)}:${text(o[k])}`).join(",")}}`;
  }
  if (Array.isArray(v)) return `[${v.map(text).join(",")}]`;
  return JSON.stringify(v);
}

/** Code-point order, as Python sorts strings (UTF-16 order differs only between surrogates and U+E000..U+FFFF). */
const cmp = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return (x >= 0xd800 && x < 0xe000 ? x + 0x10000 : x) - (y >= 0xd800 && y < 0xe000 ? y + 0x10000 : y);
  }
  return a.length - b.length;
};

async function sluiceRows(root: string, version: number): Promise<string[]> {
  const snap = await loadSnapshot(root, { version });
  const out: string[] = [];
  for await (const b of readDeltaFiles(snap.files, snap.schema, snap.partitionColumns, 1024)) {
    for (let r = 0; r < b.numRows; r++) {
      const row: Record<string, unknown> = {};
      b.schema.fields.forEach((f, c) => (row[f.name] = cell(getValue(b.columns[c]!, r), f.type)));
      out.push(text(row));
    }
    await new Promise((r) => setImmediate(r)); // keep the worker responsive on the 1M-row tables
  }
  // UTF-16 order is code-point order unless a surrogate is present
  return out.some((s) => /[\ud800-\udfff]/.test(s)) ? out.sort(cmp) : out.sort();
}

function expectRows(name: string, want: Rows, got: string[]): void {
  if (Array.isArray(want)) {
    expect(got, name).toEqual(want);
  } else if ("sha256" in want) {
    expect(got.length, `${name}: row count`).toBe(want.count);
    expect(createHash("sha256").update(got.join("\n")).digest("hex"), `${name}: rows digest`).toBe(want.sha256);
  }
}

const readable = recorded.filter((r) => r.latest.rows !== undefined && !("error" in (r.latest.rows as object) && !Array.isArray(r.latest.rows)));

describe("golden Delta tables: Sluice's rows equal delta-rs's rows", () => {
  it("finds ../shared/delta-golden and the recorded rows", () => {
    expect(existsSync(GOLDEN_TABLES), `${GOLDEN_TABLES} (../shared/delta-golden beside the repository) is missing`).toBe(true);
    expect(readable.length).toBeGreaterThan(40);
  });

  for (const rec of readable) {
    it(rec.table, { timeout: 120_000 }, async () => {
      const root = join(tmp, rec.table);
      cpSync(join(GOLDEN_TABLES, rec.table), root, { recursive: true, preserveTimestamps: true });
      const known = NOT_READ[rec.table];
      const views: [string, View][] = [[String(rec.latest.version), rec.latest], ...Object.entries(rec.versions)];
      for (const [v, view] of views) {
        if (view.rows === undefined || (!Array.isArray(view.rows) && "error" in view.rows)) continue;
        let got: string[] | undefined;
        let err: SluiceError | undefined;
        try {
          got = await sluiceRows(root, Number(v));
        } catch (e) {
          if (!(e instanceof SluiceError)) throw e;
          err = e;
        }
        if (known && (err || view === rec.latest)) {
          expect(err?.code, `${rec.table}@${v} is listed as not read (${known.why})`).toBe(known.code);
          if (err?.code === "DELTA_UNSUPPORTED_FEATURE") expect(err.message).toContain(known.why.split(":")[0]);
          continue;
        }
        if (err) throw new Error(`${rec.table}@${v}: Sluice failed with ${err.code}: ${err.message}`);
        expectRows(`${rec.table}@${v}`, view.rows, got!);
      }
    });
  }
});

/**
 * The bad-input corpus as data: cases.json expanded into files, and PySpark's answers for them
 * (expected/<group>.json, written by scripts/oracle/gen_bad_input.py, which expands cases.json
 * the same way). See README.md.
 */
import { readFileSync } from "node:fs";

export interface Group {
  readonly id: string;
  readonly format: "json" | "csv";
  /** DDL of the data columns (the P variant adds `_corrupt_record STRING`). */
  readonly schema: string;
  readonly options: Readonly<Record<string, string>>;
  /** Each value becomes one file: `valueFile`'s lines with `$T` = template, `$V` = the value. */
  readonly values?: readonly { readonly id: string; readonly template: string; readonly values: readonly string[] }[];
  readonly valueFile?: readonly string[];
  readonly inputs?: readonly { readonly id: string; readonly body: string; readonly noInference?: string }[];
}

export interface Input {
  readonly id: string;
  /** The value a value case put into its template. */
  readonly value?: string;
  readonly bytes: Buffer;
  /** Whether the inference variants (I, IF) run: false with the corpus' reason in cases.json. */
  readonly inferable: boolean;
}

/** Parse-mode variants: P = PERMISSIVE with the corrupt-record column, P0 = without it. */
export const MODES = { P: "PERMISSIVE", P0: "PERMISSIVE", D: "DROPMALFORMED", F: "FAILFAST" } as const;
export type Mode = keyof typeof MODES;

/** Schema-inference variants: I = PERMISSIVE, IF = FAILFAST (CSV with inferSchema=true). */
export const INFER_MODES = { I: "PERMISSIVE", IF: "FAILFAST" } as const;
export type InferMode = keyof typeof INFER_MODES;

export interface Answer {
  readonly rows?: readonly (readonly unknown[])[];
  /** Inference variants: the inferred schema (simpleString) and the number of rows read with it. */
  readonly schema?: string;
  readonly count?: number;
  /** Spark's error conditions, outermost first. */
  readonly error?: readonly string[];
}

const MACRO = /<x([0-9A-Fa-f]{2})>|<\[(\d+)\]>|<\{(\d+)\}>/g;

/** A body's file bytes: UTF-8 text with `<xHH>` raw bytes, `<[N]>` N nested arrays, `<{N}>` N nested objects. */
export function bodyBytes(body: string): Buffer {
  const parts: Buffer[] = [];
  let pos = 0;
  for (const m of body.matchAll(MACRO)) {
    parts.push(Buffer.from(body.slice(pos, m.index), "utf8"));
    if (m[1]) parts.push(Buffer.from([parseInt(m[1], 16)]));
    else if (m[2]) parts.push(Buffer.from("[".repeat(Number(m[2])) + "]".repeat(Number(m[2]))));
    else parts.push(Buffer.from('{"a":'.repeat(Number(m[3])) + "1" + "}".repeat(Number(m[3]))));
    pos = m.index + m[0].length;
  }
  parts.push(Buffer.from(body.slice(pos), "utf8"));
  return Buffer.concat(parts);
}

/** The inputs of a group in corpus order (the oracle's `expand`). */
export function expand(g: Group): Input[] {
  const out: Input[] = [];
  for (const e of g.values ?? []) {
    e.values.forEach((v, n) => {
      const line = e.template.replace("$V", v);
      const body = (g.valueFile ?? []).map((x) => x.replace("$T", line)).join("\n") + "\n";
      out.push({ id: `${e.id}-${String(n).padStart(2, "0")}`, value: v, bytes: bodyBytes(body), inferable: true });
    });
  }
  for (const i of g.inputs ?? []) out.push({ id: i.id, bytes: bodyBytes(i.body), inferable: i.noInference === undefined });
  return out;
}

const here = new URL(".", import.meta.url).pathname;

export const groups = (): Group[] => (JSON.parse(readFileSync(here + "cases.json", "utf8")) as { groups: Group[] }).groups;

/** PySpark's answers for a group's inputs, per mode. */
export function answers(groupId: string): Record<string, Record<Mode | InferMode, Answer>> {
  return (JSON.parse(readFileSync(`${here}expected/${groupId}.json`, "utf8")) as { inputs: Record<string, Record<Mode | InferMode, Answer>> }).inputs;
}

/**
 * The 1-based line (as Sluice numbers them: `\n`, `\r\n`, a lone `\r`, or `lineSep`) where the
 * first record whose raw text is `raw` starts in `text`.
 */
export function lineOf(text: string, raw: string, lineSep: string | undefined, multiLine: boolean): number {
  if (multiLine) return 1;
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (lineSep !== undefined) {
      if (text.startsWith(lineSep, i)) starts.push(i + lineSep.length);
    } else if (text[i] === "\n" || (text[i] === "\r" && text[i + 1] !== "\n")) starts.push(i + 1);
  }
  const body = (p: number) => (text.charCodeAt(p) === 0xfeff ? p + 1 : p);
  const k = starts.findIndex((p) => text.startsWith(raw, body(p)));
  if (k < 0) throw new Error(`record ${JSON.stringify(raw.slice(0, 40))} not found at a line start`);
  return k + 1;
}

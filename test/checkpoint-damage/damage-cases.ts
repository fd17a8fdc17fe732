/**
 * The damage a checkpoint file can suffer, generated for every persisted file of a stopped query:
 * truncated to half, one line cut out (of a compressed file: a piece of its middle), renumbered
 * (moved to the next batch id or version, replacing what was there), deleted, replaced by garbage
 * of the same length.
 */
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";

export const DAMAGE_KINDS = ["truncate", "cut-line", "renumber", "delete", "garbage"] as const;

export interface DamageCase {
  /** e.g. "truncate chk/offsets/2" */
  readonly name: string;
  readonly kind: (typeof DAMAGE_KINDS)[number];
  /** The file the case damages (absolute). */
  readonly file: string;
  /** Paths an error may name to count as naming the damaged file. */
  readonly names: readonly string[];
  apply(): void;
}

/** Every file under `dir`, recursively, except those `skip` returns true for. */
export function listFiles(dir: string, skip: (path: string) => boolean): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (skip(p)) continue;
    if (e.isDirectory()) out.push(...listFiles(p, skip));
    else out.push(p);
  }
  return out;
}

/** `N`, `N.delta`, `N.snapshot`, `.N.crc` → the same name for N+1; undefined for other names. */
export function renumbered(file: string): string | undefined {
  const m = /^(\.?)(\d+)(\.delta|\.snapshot|\.crc)?$/.exec(basename(file));
  return m ? join(dirname(file), `${m[1]}${Number(m[2]) + 1}${m[3] ?? ""}`) : undefined;
}

/** Deterministic bytes (a linear congruential sequence), never a valid version line. */
function garbage(length: number, seed: number): Buffer {
  const b = Buffer.alloc(Math.max(length, 1));
  for (let i = 0; i < b.length; i++) b[i] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 251;
  return b;
}

/**
 * The damage cases for `files`, named relative to `root`; `original` gives a file's undamaged
 * bytes (each case applies to a freshly restored copy).
 */
export function damageCases(root: string, files: readonly string[], original: (file: string) => Buffer): DamageCase[] {
  const cases: DamageCase[] = [];
  files.forEach((file, i) => {
    const rel = relative(root, file);
    const add = (kind: DamageCase["kind"], apply: () => void, also: string[] = []) => cases.push({ name: `${kind} ${rel}`, kind, file, names: [file, ...also], apply });
    add("truncate", () => writeFileSync(file, readFileSync(file).subarray(0, Math.floor(statSync(file).size / 2))));
    const bytes = original(file);
    const lines = bytes.toString("latin1").split("\n");
    if (lines.length >= 3) add("cut-line", () => writeFileSync(file, Buffer.from([...lines.slice(0, 1), ...lines.slice(2)].join("\n"), "latin1")));
    // a compressed (gzip state) file has no lines: a piece of its middle is cut out instead
    else if (bytes.length >= 16) add("cut-line", () => writeFileSync(file, Buffer.concat([bytes.subarray(0, bytes.length >> 2), bytes.subarray(bytes.length >> 1)])));
    const to = renumbered(file);
    if (to) add("renumber", () => renameSync(file, to), [to]);
    add("delete", () => rmSync(file));
    add("garbage", () => writeFileSync(file, garbage(statSync(file).size, i + 1)));
  });
  return cases;
}

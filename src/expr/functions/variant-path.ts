/**
 * Variant extraction paths, as Spark's VariantPathParser reads them: `$` then any number of
 * `.name` (a name is any run of characters other than `.` and `[`), `['name']`, `["name"]` or
 * `[n]` (n a non-negative integer). Anything else is `INVALID_VARIANT_GET_PATH`.
 * A step that finds no field, an index past the end, or a value of the wrong shape ends the
 * walk with nothing (SQL null), never an error.
 */
import { analysisError } from "../../common/errors.js";
import { arrayElement, objectField, variantKind } from "../../types/variant-encoding.js";

export type VariantPathStep = { readonly key: string } | { readonly index: number };

const STEP = /\.([^.[]+)|\['([^']*)'\]|\["([^"]*)"\]|\[(\d+)\]/y;

/** The steps of `path`, or INVALID_VARIANT_GET_PATH naming the function. */
export function parseVariantPath(path: string, fn: string): readonly VariantPathStep[] {
  const bad = () =>
    analysisError("INVALID_VARIANT_GET_PATH", `The path \`${path}\` is not a valid variant extraction path in \`${fn}\`. A valid path should start with \`$\` and is followed by zero or more segments like \`[123]\`, \`.name\`, \`['name']\`, or \`["name"]\`.`, { path, function: fn });
  if (!path.startsWith("$")) throw bad();
  const steps: VariantPathStep[] = [];
  let i = 1;
  while (i < path.length) {
    STEP.lastIndex = i;
    const m = STEP.exec(path);
    if (!m) throw bad();
    if (m[4] !== undefined) {
      const n = Number(m[4]);
      if (!Number.isSafeInteger(n) || n > 2147483647) throw bad();
      steps.push({ index: n });
    } else steps.push({ key: m[1] ?? m[2] ?? m[3]! });
    i = STEP.lastIndex;
  }
  return steps;
}

/** Where the value at the end of `steps` starts, or -1 when the path leads nowhere. */
export function followVariantPath(value: Uint8Array, metadata: Uint8Array, steps: readonly VariantPathStep[]): number {
  let pos = 0;
  for (const s of steps) {
    const kind = variantKind(value, pos);
    if ("key" in s) {
      if (kind !== "object") return -1;
      pos = objectField(value, metadata, pos, s.key);
    } else {
      if (kind !== "array") return -1;
      pos = arrayElement(value, pos, s.index);
    }
    if (pos < 0) return -1;
  }
  return pos;
}

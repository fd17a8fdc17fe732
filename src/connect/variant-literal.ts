/**
 * A VARIANT literal for a Spark Connect server. Spark 4.0's Expression.Literal has no variant
 * member (its literal_type oneof stops at specialized_array, field 25), and PySpark 4.0's client
 * refuses `lit(VariantVal)` and VariantVal SQL arguments (UNSUPPORTED_DATA_TYPE). Sluice sends
 * the value as `parse_json('<its JSON text>')`, but only when the server provably rebuilds the
 * same value from that text: the JSON text is parsed back here (Sluice's parse_json builds
 * Spark's bytes) and must give the same scalars with the same encodings, the same arrays and the
 * same object fields. Object key ids may differ (Spark numbers keys in first-seen order, to_json
 * writes them sorted), which changes nothing a query can see. A value JSON cannot carry — a
 * double, float, date, timestamp, binary or UUID inside, all of which parse_json would turn into
 * a decimal or a string — is refused with CONNECT_UNSUPPORTED_EXPRESSION.
 */
import { unsupported } from "../common/errors.js";
import { variantToJson } from "../expr/functions/variant-to-json.js";
import { MalformedJson, parseJsonToVariant } from "../types/variant-from-json.js";
import { BASIC_ARRAY, BASIC_OBJECT, arrayElement, containerInfo, objectFieldAt, valueSize } from "../types/variant-encoding.js";
import type { VariantVal } from "../types/variant-val.js";
import type { Msg } from "./connect-proto.js";

/** The Connect expression `parse_json('<json>')` for `v`, or a refusal when the JSON text would give a different value. */
export function variantLiteralExpr(v: VariantVal): Msg {
  const json = variantToJson(v);
  if (!sameValue(v, 0, reparse(json), 0)) {
    throw unsupported(
      "CONNECT_UNSUPPORTED_EXPRESSION",
      `This VARIANT literal cannot be sent to a Spark Connect server: the protocol has no variant literal, and its JSON text ${json.length > 200 ? json.slice(0, 200) + "…" : json} would come back from parse_json with other types (a double, float, date, timestamp, binary or UUID in it becomes a decimal or a string); build it on the server instead (e.g. to_variant_object, or a cast to VARIANT)`,
      { type: "variant" },
    );
  }
  return { unresolved_function: { function_name: "parse_json", arguments: [{ literal: { string: json } }], is_distinct: false } };
}

function reparse(json: string): VariantVal | undefined {
  try {
    return parseJsonToVariant(json);
  } catch (e) {
    if (e instanceof MalformedJson) return undefined;
    throw e;
  }
}

/** Whether the values at `pa` in `a` and `pb` in `b` are the same: scalars byte for byte, containers element by element. */
function sameValue(a: VariantVal, pa: number, b: VariantVal | undefined, pb: number): boolean {
  if (b === undefined) return false;
  const basic = a.value[pa]! & 3;
  if (basic !== (b.value[pb]! & 3)) return false;
  if (basic === BASIC_OBJECT || basic === BASIC_ARRAY) {
    const ia = containerInfo(a.value, pa);
    const ib = containerInfo(b.value, pb);
    if (ia.size !== ib.size) return false;
    for (let i = 0; i < ia.size; i++) {
      if (basic === BASIC_ARRAY) {
        if (!sameValue(a, arrayElement(a.value, pa, i), b, arrayElement(b.value, pb, i))) return false;
        continue;
      }
      const fa = objectFieldAt(a.value, a.metadata, ia, i);
      const fb = objectFieldAt(b.value, b.metadata, ib, i);
      if (fa.key !== fb.key || !sameValue(a, fa.pos, b, fb.pos)) return false;
    }
    return true;
  }
  const size = valueSize(a.value, pa);
  if (size !== valueSize(b.value, pb)) return false;
  for (let k = 0; k < size; k++) if (a.value[pa + k] !== b.value[pb + k]) return false;
  return true;
}

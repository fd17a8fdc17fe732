/**
 * The nesting bound of Spark's JSON parser, shared by from_json and the JSON file reader: Jackson's
 * StreamReadConstraints default maximum nesting depth of 1000, which Spark 4.0 keeps (PySpark
 * 4.0.1: a record 1000 levels deep reads, 1001 levels is malformed). It also keeps the recursive
 * steps after parsing (converters, JSON.stringify) far from the stack limit.
 */

/** Deepest nesting of arrays and objects a JSON value may have. */
export const MAX_JSON_DEPTH = 1000;

/** Depth of the deepest array/object in valid JSON text (strings skipped). */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // Skip the string, honouring backslash escapes.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** Whether valid JSON text nests deeper than MAX_JSON_DEPTH (cheap for short texts: depth needs brackets). */
export const tooDeepJson = (text: string): boolean => text.length > 2 * MAX_JSON_DEPTH && jsonNestingDepth(text) > MAX_JSON_DEPTH;

/**
 * Java regular expressions (Spark's rlike, regexp_*, split) and SQL LIKE patterns → JS RegExp,
 * compiled once per distinct pattern. Java-only syntax that JS lacks is translated where the
 * meaning is the same (leading inline flags `(?i)`, `\A`, `\z`, `\Z`, possessive quantifiers as
 * greedy ones, `\p{Alpha}`-style POSIX classes); anything JS still rejects is INVALID_REGEX.
 */
import { executionError } from "../../common/errors.js";

const cache = new Map<string, RegExp>();

const POSIX: Readonly<Record<string, string>> = {
  Lower: "a-z",
  Upper: "A-Z",
  Alpha: "a-zA-Z",
  Digit: "0-9",
  Alnum: "a-zA-Z0-9",
  Punct: "!-\\/:-@\\[-`{-~",
  Space: " \\t\\n\\x0B\\f\\r",
  XDigit: "0-9a-fA-F",
  ASCII: "\\x00-\\x7F",
};

/** A JS RegExp for a Java pattern; `extraFlags` e.g. "g". Throws INVALID_REGEX. */
export function javaRegex(pattern: string, extraFlags = ""): RegExp {
  const key = extraFlags + "\u0000" + pattern;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  let src = pattern;
  let flags = extraFlags;
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    for (const f of inline[1]!) if (f !== "x" && !flags.includes(f)) flags += f;
    src = src.slice(inline[0].length);
  }
  src = src
    .replace(/\\A/g, "^")
    .replace(/\\[zZ]/g, "$")
    .replace(/([*+?}])\+/g, "$1")
    .replace(/\\p\{(?:Is)?(Lower|Upper|Alpha|Digit|Alnum|Punct|Space|XDigit|ASCII)\}/g, (_m, c: string) => `[${POSIX[c]}]`);
  if (/\\[pP]\{/.test(src)) flags += "u";
  let re: RegExp;
  try {
    re = new RegExp(src, flags);
  } catch (e) {
    throw executionError(
      "INVALID_REGEX",
      `The regular expression '${pattern}' is not valid: ${(e as Error).message}. Fix the pattern (Spark uses Java regex syntax).`,
      { pattern },
      e,
    );
  }
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
}

/** A LIKE pattern (`%`, `_`, escape char, default `\`) as an anchored RegExp. */
export function likeRegex(pattern: string, caseInsensitive: boolean, escape = "\\"): RegExp {
  const key = (caseInsensitive ? "ilike" : "like") + "\u0000" + escape + pattern;
  const hit = cache.get(key);
  if (hit) return hit;
  let src = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === escape) {
      const next = pattern[i + 1];
      if (next === undefined || (next !== "%" && next !== "_" && next !== escape)) {
        throw executionError(
          "INVALID_FORMAT",
          `The LIKE pattern '${pattern}' is invalid: the escape character '${escape}' must be followed by '%', '_' or itself.`,
          { pattern },
        );
      }
      src += next.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
      i++;
    } else if (c === "%") src += "[\\s\\S]*";
    else if (c === "_") src += "[\\s\\S]";
    else src += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  const re = new RegExp(src + "$", caseInsensitive ? "iu" : "u");
  cache.set(key, re);
  return re;
}

/** Java replacement string (`$1`, `\$`) → JS replacement (`$1`, `$$`). */
export function javaReplacement(rep: string): string {
  let out = "";
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i]!;
    if (c === "\\" && i + 1 < rep.length) {
      const n = rep[++i]!;
      out += n === "$" ? "$$" : n;
    } else if (c === "$" && /\d/.test(rep[i + 1] ?? "")) out += "$";
    else if (c === "$" && rep[i + 1] === "{") out += "$<";
    else out += c;
  }
  return out.replace(/\$<([A-Za-z][A-Za-z0-9]*)\}/g, "$<$1>");
}

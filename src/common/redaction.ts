/**
 * Secret redaction (docs/operations.md), after Spark's `spark.redaction.regex` and
 * `spark.sql.redaction.options.regex`:
 *   1. every option or conf entry the user gives passes through `noteOption(key, value)` (the
 *      readers' and writers' option(), SQL table-function arguments, conf.set);
 *   2. when its key or its value matches a redaction pattern (as in Spark's Utils.redact, which
 *      tests both), the value — and the secrets inside it (`password=...`, `user:pass@` of a URL,
 *      `AccountKey=...`) — are remembered for this process;
 *   3. `redactText` replaces every remembered secret with `*********(redacted)`; the logger,
 *      SluiceError messages, progress descriptions, explain() and checkpoint metadata pass
 *      through it, so a secret given as an option appears in none of them.
 * Values shorter than 4 characters are redacted in option maps (`redactOptions`) but not searched
 * for in free text, where they would hide unrelated words.
 */

export const REDACTED = "*********(redacted)";
export const REDACTION_REGEX_KEY = "spark.redaction.regex";
export const OPTIONS_REDACTION_REGEX_KEY = "spark.sql.redaction.options.regex";
/** Spark's default, plus the names Azure and Kafka use for secrets (a deliberate extension). */
export const DEFAULT_REDACTION_REGEX = "(?i)secret|password|token|access[.]?key|account[.]?key|connection[.]?string|sas[.]?token|sasl[.]jaas";
export const DEFAULT_OPTIONS_REDACTION_REGEX = "(?i)url";

/** A Java-style pattern (`(?i)` prefix for case-insensitive) as a RegExp; throws on a bad one. */
export function javaRegex(text: string): RegExp {
  const i = text.startsWith("(?i)");
  return new RegExp(i ? text.slice(4) : text, i ? "i" : "");
}

let patterns: RegExp[] = [javaRegex(DEFAULT_REDACTION_REGEX), javaRegex(DEFAULT_OPTIONS_REDACTION_REGEX)];
const configured = { [REDACTION_REGEX_KEY]: DEFAULT_REDACTION_REGEX, [OPTIONS_REDACTION_REGEX_KEY]: DEFAULT_OPTIONS_REDACTION_REGEX };
const secrets = new Set<string>();
let secretPattern: RegExp | null = null;

const INNER = [/(?:password|passwd|pwd|secret|token|key|sig)\s*[=:]\s*"?([^"&;,\s]+)"?/gi, /\/\/[^:/@\s]+:([^@/\s]+)@/g];

const isSensitive = (key: string, value: string): boolean => patterns.some((p) => p.test(key) || p.test(value));

function remember(value: string): void {
  const found = [value, ...INNER.flatMap((re) => [...value.matchAll(re)].map((m) => m[1]!))].filter((s) => s.length >= 4 && !secrets.has(s));
  if (found.length === 0) return;
  for (const s of found) secrets.add(s);
  // longest first, so a secret containing another is replaced whole
  secretPattern = new RegExp([...secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
}

/**
 * Note an option or conf entry the user set. The two redaction keys themselves change the
 * patterns (a bad regex is left to the conf's own validation and ignored here). Returns `value`.
 */
export function noteOption(key: string, value: string): string {
  if (key === REDACTION_REGEX_KEY || key === OPTIONS_REDACTION_REGEX_KEY) {
    try {
      javaRegex(value);
      configured[key] = value;
      patterns = [javaRegex(configured[REDACTION_REGEX_KEY]), javaRegex(configured[OPTIONS_REDACTION_REGEX_KEY])];
    } catch {
      // reported by RuntimeConfig's validation
    }
    return value;
  }
  if (isSensitive(key, value)) remember(value);
  return value;
}

/** Note every entry of an option map; returns it unchanged (so call sites stay one expression). */
export function noteOptions<T extends Readonly<Record<string, string>>>(options: T): T {
  for (const [k, v] of Object.entries(options)) noteOption(k, v);
  return options;
}

/** `text` with every remembered secret replaced by `*********(redacted)`. */
export function redactText(text: string): string {
  return secretPattern === null ? text : text.replace(secretPattern, REDACTED);
}

/** An option map as it may be shown: sensitive values replaced. */
export function redactOptions(options: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, isSensitive(k, v) ? REDACTED : redactText(v)]));
}

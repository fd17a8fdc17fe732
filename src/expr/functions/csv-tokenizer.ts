/**
 * CSV records as Spark's parser (univocity) sees them:
 *   - records end at a line break (`\n`, `\r\n`, `\r`, or `lineSep`); with multiLine, quoted fields
 *     may span lines; blank lines are skipped, as are lines starting with `comment` when it is set;
 *   - a quoted field ends at the closing quote; `escape` before a quote or before itself yields that
 *     character; a quote followed by anything but a separator keeps the field's raw text up to the
 *     next separator (univocity's STOP_AT_DELIMITER);
 *   - unquoted empty fields are null; quoted empty fields are `emptyValue`.
 */
export interface CsvTokenizerOptions {
  readonly sep: string;
  readonly quote: string;
  readonly escape: string;
  readonly comment: string;
  readonly multiLine: boolean;
  readonly lineSep?: string;
  readonly ignoreLeadingWhiteSpace: boolean;
  readonly ignoreTrailingWhiteSpace: boolean;
  readonly emptyValue: string;
}

export interface CsvRecord {
  /** null = unquoted empty field. */
  readonly fields: (string | null)[];
  /** The record's raw text (for the corrupt-record column). */
  readonly raw: string;
  /** 1-based line number where the record starts. */
  readonly line: number;
}

const isWs = (c: string | undefined): boolean => c === " " || c === "\t";

/** Iterate the records of one file's text (a byte order mark already removed: see csv-format.ts). */
export function* tokenizeCsv(text: string, o: CsvTokenizerOptions): Generator<CsvRecord> {
  let pos = 0;
  let line = 1;
  const n = text.length;
  const atLineEnd = (p: number): number => {
    // Length of the line separator at p, or 0.
    if (o.lineSep !== undefined) return text.startsWith(o.lineSep, p) ? o.lineSep.length : 0;
    const c = text[p];
    if (c === "\n") return 1;
    if (c === "\r") return text[p + 1] === "\n" ? 2 : 1;
    return 0;
  };
  while (pos < n) {
    const startLine = line;
    const start = pos;
    // Skip blank lines and comment lines.
    const le = atLineEnd(pos);
    if (le > 0) {
      pos += le;
      line++;
      continue;
    }
    if (o.comment !== "" && text.startsWith(o.comment, pos)) {
      while (pos < n && atLineEnd(pos) === 0) pos++;
      pos += atLineEnd(pos);
      line++;
      continue;
    }
    const fields: (string | null)[] = [];
    for (;;) {
      // One field starting at pos.
      let p = pos;
      if (o.ignoreLeadingWhiteSpace) while (isWs(text[p])) p++;
      const fieldStart = p;
      let value: string | null;
      if (o.quote !== "" && text[p] === o.quote) {
        p++;
        let out = "";
        let seg = p;
        let closed = false;
        while (p < n) {
          const c = text[p]!;
          if (o.escape !== "" && c === o.escape && o.escape !== o.quote && (text[p + 1] === o.quote || text[p + 1] === o.escape)) {
            out += text.slice(seg, p) + text[p + 1];
            p += 2;
            seg = p;
            continue;
          }
          if (c === o.quote) {
            if (o.escape === o.quote && text[p + 1] === o.quote) {
              out += text.slice(seg, p) + o.quote;
              p += 2;
              seg = p;
              continue;
            }
            out += text.slice(seg, p);
            p++;
            closed = true;
            break;
          }
          if (!o.multiLine && atLineEnd(p) > 0) break;
          if (c === "\n") line++;
          p++;
        }
        if (!closed) out += text.slice(seg, p);
        let q = p;
        if (closed) while (isWs(text[q])) q++;
        if (closed && !(q >= n || text.startsWith(o.sep, q) || atLineEnd(q) > 0)) {
          // Unescaped quote: keep the raw text up to the next separator or line end.
          while (p < n && !text.startsWith(o.sep, p) && atLineEnd(p) === 0) p++;
          value = text.slice(fieldStart, p);
        } else {
          p = q;
          value = out === "" ? o.emptyValue : out;
        }
      } else {
        while (p < n && !text.startsWith(o.sep, p) && atLineEnd(p) === 0) p++;
        let e = p;
        if (o.ignoreTrailingWhiteSpace) while (e > fieldStart && isWs(text[e - 1])) e--;
        value = e === fieldStart ? null : text.slice(fieldStart, e);
      }
      fields.push(value);
      if (p < n && text.startsWith(o.sep, p)) {
        pos = p + o.sep.length;
        continue;
      }
      const raw = text.slice(start, p);
      const sepLen = atLineEnd(p);
      pos = p + sepLen;
      if (sepLen > 0) line++;
      yield { fields, raw, line: startLine };
      break;
    }
  }
}

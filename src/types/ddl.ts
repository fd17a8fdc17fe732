/**
 * DDL schema strings, as Spark's `StructType.fromDDL` reads them:
 *   `id STRING, tags ARRAY<STRING>, m MAP<STRING, INT>, s STRUCT<a: INT, b STRING>, d DECIMAL(10,2) NOT NULL`
 * Names may be backtick-quoted; `NOT NULL` and `COMMENT '...'` are accepted after a type.
 */
import { parseError } from "../common/errors.js";
import { ArrayType, DAY_TIME_FIELDS, type DataType, DayTimeIntervalType, MapType, type StructField, YEAR_MONTH_FIELDS, YearMonthIntervalType } from "./data-type.js";

const ATOMIC: Record<string, DataType> = {
  string: { kind: "string" },
  varchar: { kind: "string" },
  char: { kind: "string" },
  text: { kind: "string" },
  boolean: { kind: "boolean" },
  bool: { kind: "boolean" },
  tinyint: { kind: "byte" },
  byte: { kind: "byte" },
  smallint: { kind: "short" },
  short: { kind: "short" },
  int: { kind: "int" },
  integer: { kind: "int" },
  bigint: { kind: "bigint" },
  long: { kind: "bigint" },
  float: { kind: "float" },
  real: { kind: "float" },
  double: { kind: "double" },
  date: { kind: "date" },
  timestamp: { kind: "timestamp" },
  timestamp_ltz: { kind: "timestamp" },
  timestamp_ntz: { kind: "timestamp_ntz" },
  binary: { kind: "binary" },
  void: { kind: "null" },
  variant: { kind: "variant" },
};

/** How a DDL string is read: `timestampNTZ` (spark.sql.timestampType = TIMESTAMP_NTZ) makes the bare name TIMESTAMP mean TIMESTAMP_NTZ, as Spark's parser does. */
export interface DDLOptions {
  readonly timestampNTZ?: boolean;
}

class DDLReader {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly options: DDLOptions = {},
  ) {}

  fail(what: string): never {
    throw parseError("INVALID_DDL", `${what} at position ${this.pos} in DDL "${this.text}"`, {
      ddl: this.text,
      offset: this.pos,
    });
  }

  skipWs(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  peek(): string {
    this.skipWs();
    return this.text[this.pos] ?? "";
  }

  atEnd(): boolean {
    return this.peek() === "";
  }

  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`Expected '${ch}'`);
    this.pos++;
  }

  accept(ch: string): boolean {
    if (this.peek() !== ch) return false;
    this.pos++;
    return true;
  }

  /** A plain or backtick-quoted identifier. */
  ident(): string {
    this.skipWs();
    if (this.text[this.pos] === "`") {
      let out = "";
      this.pos++;
      for (;;) {
        if (this.pos >= this.text.length) this.fail("Unterminated quoted name");
        const c = this.text[this.pos++]!;
        if (c === "`") {
          if (this.text[this.pos] === "`") {
            out += "`";
            this.pos++;
          } else return out;
        } else out += c;
      }
    }
    const m = /^[A-Za-z_0-9][A-Za-z0-9_$]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail("Expected a name");
    this.pos += m[0].length;
    return m[0];
  }

  keyword(word: string): boolean {
    this.skipWs();
    const slice = this.text.slice(this.pos, this.pos + word.length);
    const after = this.text[this.pos + word.length] ?? "";
    if (slice.toLowerCase() === word.toLowerCase() && !/[A-Za-z0-9_]/.test(after)) {
      this.pos += word.length;
      return true;
    }
    return false;
  }

  int(): number {
    this.skipWs();
    const m = /^\d+/.exec(this.text.slice(this.pos));
    if (!m) this.fail("Expected a number");
    this.pos += m[0].length;
    return Number(m[0]);
  }

  dataType(): DataType {
    const start = this.pos;
    const name = this.ident().toLowerCase();
    if (name === "array") {
      this.expect("<");
      const el = this.dataType();
      this.expect(">");
      return ArrayType(el);
    }
    if (name === "map") {
      this.expect("<");
      const k = this.dataType();
      this.expect(",");
      const v = this.dataType();
      this.expect(">");
      return MapType(k, v);
    }
    if (name === "struct") {
      this.expect("<");
      const fields: StructField[] = [];
      if (!this.accept(">")) {
        do {
          const fname = this.ident();
          this.accept(":");
          fields.push(this.fieldRest(fname));
        } while (this.accept(","));
        this.expect(">");
      }
      return { kind: "struct", fields };
    }
    if (name === "decimal" || name === "dec" || name === "numeric") {
      if (this.accept("(")) {
        const p = this.int();
        const s = this.accept(",") ? this.int() : 0;
        this.expect(")");
        if (p < 1 || p > 38 || s > p) this.fail(`Invalid DECIMAL(${p},${s}): precision must be 1..38 and scale ≤ precision`);
        return { kind: "decimal", precision: p, scale: s };
      }
      return { kind: "decimal", precision: 10, scale: 0 };
    }
    if (name === "interval") return this.intervalType(start);
    if ((name === "varchar" || name === "char") && this.accept("(")) {
      this.int();
      this.expect(")");
    }
    const t = name === "timestamp" && this.options.timestampNTZ ? ATOMIC.timestamp_ntz : ATOMIC[name];
    if (t) return t;
    this.pos = start;
    return this.fail(`Unknown data type "${name}"`);
  }

  /** `INTERVAL YEAR TO MONTH`, `INTERVAL DAY`, `INTERVAL HOUR TO SECOND`, ... (after the word INTERVAL). */
  intervalType(start: number): DataType {
    const field = (): string => {
      this.skipWs();
      const m = /^[A-Za-z]+/.exec(this.text.slice(this.pos));
      if (!m) return this.fail("Expected an interval field such as YEAR, MONTH, DAY, HOUR, MINUTE or SECOND after INTERVAL");
      this.pos += m[0].length;
      return m[0].toUpperCase();
    };
    const from = field();
    this.skipWs();
    const to = /^TO\b/i.test(this.text.slice(this.pos)) ? (this.pos += 2, field()) : from;
    for (const [names, make] of [
      [YEAR_MONTH_FIELDS, YearMonthIntervalType],
      [DAY_TIME_FIELDS, DayTimeIntervalType],
    ] as const) {
      const [a, b] = [(names as readonly string[]).indexOf(from), (names as readonly string[]).indexOf(to)];
      if (a >= 0 && b >= a) return make(a, b);
    }
    this.pos = start;
    return this.fail(`Invalid interval type "INTERVAL ${from}${to === from ? "" : " TO " + to}": use YEAR, YEAR TO MONTH, MONTH, or DAY, HOUR, MINUTE, SECOND and a later field after TO`);
  }

  /** Type plus optional NOT NULL / COMMENT, after the field name. */
  fieldRest(name: string): StructField {
    const type = this.dataType();
    let nullable = true;
    let comment: string | undefined;
    for (;;) {
      if (this.keyword("NOT")) {
        if (!this.keyword("NULL")) this.fail("Expected NULL after NOT");
        nullable = false;
      } else if (this.keyword("COMMENT")) {
        this.skipWs();
        const q = this.text[this.pos];
        if (q !== "'" && q !== '"') this.fail("Expected a quoted comment");
        const end = this.text.indexOf(q, this.pos + 1);
        if (end < 0) this.fail("Unterminated comment");
        comment = this.text.slice(this.pos + 1, end);
        this.pos = end + 1;
      } else break;
    }
    return comment === undefined ? { name, type, nullable } : { name, type, nullable, metadata: { comment } };
  }
}

/** Parse `a INT, b STRING` into fields. Throws INVALID_DDL naming the position. */
export function parseDDLSchema(ddl: string, options?: DDLOptions): StructField[] {
  const r = new DDLReader(ddl, options);
  const fields: StructField[] = [];
  if (r.atEnd()) return fields;
  // Spark also accepts the `struct<...>` form for a whole schema.
  const save = ddl.trimStart().toLowerCase();
  if (save.startsWith("struct<")) {
    const t = r.dataType();
    if (!r.atEnd()) r.fail("Unexpected text after the schema");
    return [...(t as { fields: readonly StructField[] }).fields];
  }
  do {
    const name = r.ident();
    r.accept(":");
    fields.push(r.fieldRest(name));
  } while (r.accept(","));
  if (!r.atEnd()) r.fail("Unexpected text after the schema");
  return fields;
}

/** Parse one type name: `INT`, `ARRAY<STRING>`, `DECIMAL(10,2)`. */
export function parseDataType(text: string, options?: DDLOptions): DataType {
  const r = new DDLReader(text, options);
  const t = r.dataType();
  if (!r.atEnd()) r.fail("Unexpected text after the type");
  return t;
}

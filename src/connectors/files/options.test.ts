import { describe, expect, it } from "vitest";
import { SluiceError } from "../../common/errors.js";
import { parseCsvReadOptions, parseFileReadOptions, parseJsonReadOptions, parseTextReadOptions } from "./options.js";

const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SluiceError);
    expect((e as SluiceError).code).toBe("INVALID_OPTION");
    return (e as SluiceError).message;
  }
  throw new Error("expected INVALID_OPTION");
};
const batch = { streaming: false, sessionTimeZone: "UTC" };

describe("file option maps", () => {
  it("an unknown key is an error naming it, never quoting its value; a near miss gets a suggestion", () => {
    const m = message(() => parseJsonReadOptions({ "kafka.sasl.jaas.config": "password=hunter2", multiLien: "true", ab: "x" }));
    expect(m).toContain("kafka.sasl.jaas.config (unknown option; not an option of this source or sink)");
    expect(m).toContain("multiLien (unknown option; did you mean multiLine?)");
    expect(m).toContain("ab (unknown option");
    expect(m).not.toContain("hunter2");
  });

  it("keys Sluice does not take say what to use instead", () => {
    expect(message(() => parseCsvReadOptions({ codec: "gzip" }))).toContain("codec (unknown option; Sluice does not take Spark's `codec` alias; use compression)");
    expect(message(() => parseTextReadOptions({ paths: '["a"]' }))).toContain("pass the paths to load(...)");
  });

  it("closed-domain values are quoted, cut to 64 characters", () => {
    expect(message(() => parseJsonReadOptions({ multiLine: "maybe" }))).toContain('multiLine="maybe" (expected true or false)');
    const m = message(() => parseJsonReadOptions({ mode: "x".repeat(100) }));
    expect(m).toContain(`mode="${"x".repeat(64)}…"`);
    expect(m).not.toContain("x".repeat(65));
  });

  it("every problem is reported at once", () => {
    const m = message(() => parseFileReadOptions("csv", { header: "yes", ignoreCorruptFiles: "1", recursiveFileLookup: "no", bogus: "" }, batch));
    for (const k of ["header=", "ignoreCorruptFiles=", "recursiveFileLookup=", "bogus ("]) expect(m).toContain(k);
  });

  it("locale other than en-US and samplingRatio other than 1 are refused: they would change results", () => {
    expect(message(() => parseCsvReadOptions({ locale: "fr-FR" }))).toContain("locale=");
    expect(message(() => parseJsonReadOptions({ samplingRatio: "0.1" }))).toContain("samplingRatio=");
    expect(() => parseJsonReadOptions({ locale: "en-US", samplingRatio: "1.0" })).not.toThrow();
  });

  it("parser options Sluice implements only at Spark's default refuse other values", () => {
    expect(message(() => parseJsonReadOptions({ allowUnquotedFieldNames: "true" }))).toContain('allowUnquotedFieldNames="true" (expected false');
    expect(message(() => parseJsonReadOptions({ allowNonNumericNumbers: "false" }))).toContain("allowNonNumericNumbers=");
    expect(message(() => parseCsvReadOptions({ maxCharsPerColumn: "10" }))).toContain("maxCharsPerColumn=");
    expect(message(() => parseCsvReadOptions({ unescapedQuoteHandling: "SKIP_VALUE" }))).toContain('unescapedQuoteHandling="SKIP_VALUE" (expected STOP_AT_DELIMITER');
    expect(() => parseCsvReadOptions({ unescapedQuoteHandling: "stop_at_delimiter" })).not.toThrow();
    expect(() => parseJsonReadOptions({ allowUnquotedFieldNames: "FALSE", allowBackslashEscapingAnyCharacter: "false", allowNonNumericNumbers: "true" })).not.toThrow();
  });

  it("JSON parser switches and the date-time fallback are options with Spark's defaults, not ignored keys", () => {
    const d = parseJsonReadOptions({});
    expect([d.allowNumericLeadingZeros, d.allowUnquotedControlChars, d.dateTimeParsingFallback]).toEqual([false, false, false]);
    const on = parseJsonReadOptions({ allowNumericLeadingZeros: "true", allowUnquotedControlChars: "TRUE", enableDateTimeParsingFallback: "true" });
    expect([on.allowNumericLeadingZeros, on.allowUnquotedControlChars, on.dateTimeParsingFallback]).toEqual([true, true, true]);
    expect(message(() => parseJsonReadOptions({ allowNumericLeadingZeros: "yes" }))).toContain('allowNumericLeadingZeros="yes" (expected true or false)');
    expect(message(() => parseCsvReadOptions({ maxColumns: "0" }))).toContain("maxColumns=");
    expect(parseCsvReadOptions({}).maxColumns).toBe(20480);
  });

  it("listing options parse with Spark's names and defaults", () => {
    expect(parseFileReadOptions("json", {}, batch).listing).toEqual({ recursiveFileLookup: false, timeZone: "UTC", ignoreMissingFiles: false, ignoreCorruptFiles: false });
    const l = parseFileReadOptions("parquet", { modifiedAfter: "2021-01-01T00:00:00", modifiedBefore: "2021-01-02", timeZone: "America/New_York", pathGlobFilter: "*.parquet", IGNOREMISSINGFILES: "TRUE" }, batch).listing;
    expect(l).toMatchObject({ modifiedAfterUs: Date.UTC(2021, 0, 1, 5) * 1000, modifiedBeforeUs: Date.UTC(2021, 0, 2, 5) * 1000, pathGlobFilter: "*.parquet", ignoreMissingFiles: true });
  });

  it("modifiedBefore/modifiedAfter: a bad timestamp is quoted; on a stream they are refused (Spark 4.0.1)", () => {
    expect(message(() => parseFileReadOptions("json", { modifiedBefore: "yesterday" }, batch))).toContain('modifiedBefore="yesterday" (expected a timestamp');
    expect(message(() => parseFileReadOptions("json", { modifiedAfter: "2021-01-01" }, { ...batch, streaming: true }))).toContain("modifiedAfter (not allowed on a streaming file source");
  });
});

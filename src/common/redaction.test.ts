import { describe, expect, it } from "vitest";
import { REDACTED, javaRegex, noteOption, noteOptions, redactOptions, redactText } from "./redaction.js";

describe("redaction", () => {
  it("remembers values whose key or value matches Spark's patterns, and the secrets inside them", () => {
    noteOptions({ "fs.s3a.secret.key": "AKIA-s3-secret-1", "kafka.sasl.jaas.config": 'PlainLoginModule required username="u" password="jaas-pw-2";', url: "jdbc:postgresql://h/db?user=u&password=url-pw-3", path: "/data/in", "my.apiToken": "custom-tok-4" });
    const text = "s3 AKIA-s3-secret-1, jaas jaas-pw-2, url-pw-3 and custom-tok-4 at /data/in";
    expect(redactText(text)).toBe(`s3 ${REDACTED}, jaas ${REDACTED}, ${REDACTED} and ${REDACTED} at /data/in`);
    expect(redactOptions({ password: "abc", path: "/data/in", note: "x custom-tok-4" })).toEqual({ password: REDACTED, path: "/data/in", note: `x ${REDACTED}` });
  });
  it("a value matching the pattern is a secret whatever its key (as Spark's Utils.redact)", () => {
    noteOption("conn", "Endpoint=sb://x;SharedAccessKeyName=k;AccountKey=az-key-5;");
    expect(redactText("failed: az-key-5")).toBe(`failed: ${REDACTED}`);
  });
  it("spark.redaction.regex replaces the pattern; short values are left in free text", () => {
    noteOption("spark.redaction.regex", "(?i)mysecretname");
    noteOption("mySecretName", "only-this-6");
    noteOption("password", "not-noted-7"); // the new pattern no longer matches 'password'
    expect(redactText("only-this-6 not-noted-7")).toBe(`${REDACTED} not-noted-7`);
    noteOption("spark.redaction.regex", "(?i)secret|password|token|access[.]?key|account[.]?key|connection[.]?string|sas[.]?token|sasl[.]jaas");
    noteOption("password", "pw");
    expect(redactText("pw")).toBe("pw");
    expect(javaRegex("(?i)AbC").test("xabcx")).toBe(true);
  });
});

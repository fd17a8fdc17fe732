import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kafkaSecurity, parsePlainJaas } from "./kafka-security.js";

const PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule";
const EH = "Endpoint=sb://demo.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=abc=";

function security(o: Record<string, string>) {
  const problems: string[] = [];
  const s = kafkaSecurity(o, (p) => problems.push(p));
  return { s, problems };
}

describe("kafka.sasl.jaas.config (PLAIN)", () => {
  it("reads the JAAS line as Spark and Kafka users write it", () => {
    expect(parsePlainJaas(`${PLAIN} required username="alice" password="s3cr\\"et";`)).toEqual({ username: "alice", password: 's3cr"et' });
    expect(parsePlainJaas(`  ${PLAIN}  required\n  username=bob\n  password="p w" ;`)).toEqual({ username: "bob", password: "p w" });
  });
  it("takes an Event Hubs connection string as the password of $ConnectionString", () => {
    expect(parsePlainJaas(`${PLAIN} required username="$ConnectionString" password="${EH}";`)).toEqual({ username: "$ConnectionString", password: EH });
    expect(parsePlainJaas(`${PLAIN} required username="$ConnectionString" password="not-a-connection-string";`)).toMatch(/must be the connection string, Endpoint=sb:/);
  });
  it("names what is wrong", () => {
    expect(parsePlainJaas(`${PLAIN} required username="a" password="b"`)).toMatch(/ending with ';'/);
    expect(parsePlainJaas(`org.apache.kafka.common.security.scram.ScramLoginModule required username="a" password="b";`)).toMatch(/names the login module .*ScramLoginModule/);
    expect(parsePlainJaas(`${PLAIN} required username="a";`)).toMatch(/needs both username/);
    expect(parsePlainJaas(`${PLAIN} required username="a" password;`)).toMatch(/cannot read the options/);
  });
});

describe("kafka.security.protocol", () => {
  it("SASL_SSL: PLAIN credentials and TLS, with a PEM trust store", () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-kafka-sec-"));
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
    const { s, problems } = security({ "kafka.security.protocol": "sasl_ssl", "kafka.sasl.mechanism": "PLAIN", "kafka.sasl.jaas.config": `${PLAIN} required username="u" password="p";`, "kafka.ssl.truststore.location": ca, "kafka.ssl.truststore.type": "PEM" });
    expect(problems).toEqual([]);
    expect(s.sasl).toEqual({ mechanism: "PLAIN", username: "u", password: "p" });
    expect(s.tls?.ca).toContain("BEGIN CERTIFICATE");
    expect(security({ "kafka.security.protocol": "PLAINTEXT" }).s).toEqual({});
  });
  it("refuses what it cannot honour, every problem at once", () => {
    const { problems } = security({
      "kafka.security.protocol": "SASL_SSL",
      "kafka.sasl.mechanism": "SCRAM-SHA-512",
      "kafka.sasl.jaas.config": `${PLAIN} required username="u" password="p";`,
      "kafka.ssl.truststore.type": "JKS",
      "kafka.ssl.endpoint.identification.algorithm": "ldap",
    });
    expect(problems).toEqual([
      "kafka.sasl.mechanism=SCRAM-SHA-512 is not supported (PLAIN only)",
      "kafka.ssl.truststore.type=JKS is not supported: give the certificates as PEM (kafka.ssl.truststore.type=PEM)",
      "kafka.ssl.endpoint.identification.algorithm must be https or empty, got ldap",
    ]);
    expect(security({ "kafka.security.protocol": "KERBEROS" }).problems[0]).toMatch(/must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/);
    expect(security({ "kafka.sasl.jaas.config": "x" }).problems[0]).toMatch(/needs kafka.security.protocol SASL_SSL or SASL_PLAINTEXT/);
    expect(security({ "kafka.security.protocol": "SASL_PLAINTEXT", "kafka.ssl.truststore.location": "/x" }).problems[0]).toMatch(/need kafka.security.protocol SSL or SASL_SSL/);
    expect(security({ "kafka.security.protocol": "SSL", "kafka.ssl.truststore.location": "/no/such/file.pem" }).problems[0]).toMatch(/\/no\/such\/file.pem cannot be read/);
  });
});

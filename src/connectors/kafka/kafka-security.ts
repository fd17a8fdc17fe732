/**
 * `kafka.security.protocol` and its SASL/TLS configs, as Spark and Kafka users write them:
 *   - `kafka.security.protocol`: PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL;
 *   - `kafka.sasl.mechanism`: PLAIN (Kafka's default; the one Azure Event Hubs' Kafka endpoint uses);
 *   - `kafka.sasl.jaas.config`: `org.apache.kafka.common.security.plain.PlainLoginModule required
 *     username="..." password="...";` — for Event Hubs username `$ConnectionString` and the
 *     namespace's connection string (`Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...`)
 *     as the password;
 *   - `kafka.ssl.truststore.location` with `kafka.ssl.truststore.type=PEM`: certificates to trust
 *     besides the system's (a self-signed broker); JKS/PKCS12 stores are refused (convert to PEM);
 *   - `kafka.ssl.endpoint.identification.algorithm`: `https` (default) checks the host name, an
 *     empty value does not, as in Kafka.
 * Every problem is reported through `add`, naming the option.
 */
import { readFileSync } from "node:fs";

export const SECURITY_CONFIGS = ["security.protocol", "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.location", "ssl.truststore.type", "ssl.endpoint.identification.algorithm"];

/** What a client needs to connect: TLS settings and SASL/PLAIN credentials, when configured. */
export interface KafkaSecurity {
  readonly tls?: { readonly ca?: string; readonly checkServerIdentity?: () => undefined };
  readonly sasl?: { readonly mechanism: "PLAIN"; readonly username: string; readonly password: string };
}

const PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"];
const PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";

/** The username and password of a PlainLoginModule JAAS line, or a problem. */
export function parsePlainJaas(text: string): { username: string; password: string } | string {
  const m = /^\s*([\w.$]+)\s+(required|requisite|sufficient|optional)\s+(.*?)\s*;\s*$/s.exec(text);
  if (!m) return `kafka.sasl.jaas.config must read '${PLAIN_MODULE} required username="..." password="...";' (the JAAS line, ending with ';')`;
  if (m[1] !== PLAIN_MODULE) return `kafka.sasl.jaas.config names the login module ${m[1]}; SASL/PLAIN needs ${PLAIN_MODULE}`;
  const values = new Map<string, string>();
  const rest = m[3]!;
  const pair = /\s*([\w.]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s";]+))/y;
  let pos = 0;
  while (pos < rest.length) {
    pair.lastIndex = pos;
    const p = pair.exec(rest);
    if (!p) return `kafka.sasl.jaas.config: cannot read the options after '${m[2]}' at '${rest.slice(pos, pos + 20)}' (write key="value" pairs)`;
    values.set(p[1]!, p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3]!);
    pos = pair.lastIndex;
    while (rest[pos] === " " || rest[pos] === "\n" || rest[pos] === "\t") pos++;
  }
  const username = values.get("username");
  const password = values.get("password");
  if (username === undefined || password === undefined) return "kafka.sasl.jaas.config needs both username=\"...\" and password=\"...\"";
  if (username === "$ConnectionString" && !/^Endpoint=sb:\/\/[^;]+;SharedAccessKeyName=[^;]+;SharedAccessKey=[^;]+/i.test(password)) {
    return "kafka.sasl.jaas.config: with username \"$ConnectionString\" (Azure Event Hubs) the password must be the connection string, Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...";
  }
  return { username, password };
}

/** The security settings of `kafka.*` options (keys lower-cased); problems go to `add`. */
export function kafkaSecurity(o: Readonly<Record<string, string>>, add: (problem: string) => void): KafkaSecurity {
  const protocol = (o["kafka.security.protocol"] ?? "PLAINTEXT").trim().toUpperCase();
  if (!PROTOCOLS.includes(protocol)) {
    add(`kafka.security.protocol must be one of ${PROTOCOLS.join(", ")}, got ${o["kafka.security.protocol"]}`);
    return {};
  }
  const usesSasl = protocol.startsWith("SASL_");
  const usesTls = protocol === "SSL" || protocol === "SASL_SSL";
  const mechanism = o["kafka.sasl.mechanism"]?.trim().toUpperCase();
  const jaas = o["kafka.sasl.jaas.config"];
  if (!usesSasl && (mechanism !== undefined || jaas !== undefined)) add(`kafka.sasl.* needs kafka.security.protocol SASL_SSL or SASL_PLAINTEXT (it is ${protocol})`);
  const tlsKeys = ["kafka.ssl.truststore.location", "kafka.ssl.truststore.type", "kafka.ssl.endpoint.identification.algorithm"].filter((k) => o[k] !== undefined);
  if (!usesTls && tlsKeys.length > 0) add(`${tlsKeys.join(", ")} need kafka.security.protocol SSL or SASL_SSL (it is ${protocol})`);
  let sasl: KafkaSecurity["sasl"];
  if (usesSasl) {
    if (mechanism !== undefined && mechanism !== "PLAIN") add(`kafka.sasl.mechanism=${o["kafka.sasl.mechanism"]} is not supported (PLAIN only)`);
    if (jaas === undefined) add(`kafka.security.protocol=${protocol} needs kafka.sasl.jaas.config with the PLAIN username and password`);
    else {
      const c = parsePlainJaas(jaas);
      if (typeof c === "string") add(c);
      else sasl = { mechanism: "PLAIN", ...c };
    }
  }
  let tls: KafkaSecurity["tls"];
  if (usesTls) {
    const type = (o["kafka.ssl.truststore.type"] ?? "PEM").trim().toUpperCase();
    const location = o["kafka.ssl.truststore.location"];
    let ca: string | undefined;
    if (type !== "PEM") add(`kafka.ssl.truststore.type=${o["kafka.ssl.truststore.type"]} is not supported: give the certificates as PEM (kafka.ssl.truststore.type=PEM)`);
    else if (location !== undefined) {
      try {
        ca = readFileSync(location, "utf8");
        if (!ca.includes("-----BEGIN CERTIFICATE-----")) add(`kafka.ssl.truststore.location ${location} holds no PEM certificate`);
      } catch (e) {
        add(`kafka.ssl.truststore.location ${location} cannot be read: ${(e as Error).message}`);
      }
    }
    const algorithm = o["kafka.ssl.endpoint.identification.algorithm"];
    if (algorithm !== undefined && algorithm.trim() !== "" && algorithm.trim().toLowerCase() !== "https") add(`kafka.ssl.endpoint.identification.algorithm must be https or empty, got ${algorithm}`);
    tls = { ...(ca !== undefined ? { ca } : {}), ...(algorithm !== undefined && algorithm.trim() === "" ? { checkServerIdentity: () => undefined } : {}) };
  }
  return { ...(tls ? { tls } : {}), ...(sasl ? { sasl } : {}) };
}

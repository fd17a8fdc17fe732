/**
 * ALTER TABLE … SET / UNSET TBLPROPERTIES on a Delta table (Delta's AlterTableSetPropertiesDeltaCommand
 * and AlterTableUnsetPropertiesDeltaCommand). Steps:
 *   1. check the keys: `delta.*` keys must be ones Sluice honours (DELTA_UNKNOWN_CONFIGURATION for
 *      names Delta does not define, DELTA_UNSUPPORTED_TABLE_PROPERTY for those Sluice does not act
 *      on: a property is never stored to be silently ignored), booleans must be true/false;
 *      other keys are the user's and kept as given;
 *   2. read the latest snapshot and stage its metaData with the changed configuration;
 *   3. turning the change data feed on upgrades the protocol as delta-spark does: a table at
 *      writer 7 gains the changeDataFeed writer feature, an older one moves to writer 7 with the
 *      features its versions implied plus changeDataFeed;
 *   3b. `delta.columnMapping.mode` = 'name' on a table without column mapping assigns ids and
 *      physical names and upgrades the protocol (column-mapping-upgrade.ts); other mode changes
 *      are refused there;
 *   3c. `delta.enableTypeWidening` = true adds the typeWidening reader and writer feature
 *      (type-widening.ts); false only changes the property, as delta-spark;
 *   4. commit as operation SET TBLPROPERTIES / UNSET TBLPROPERTIES (no data change).
 */
import { analysisError, unsupported } from "../common/errors.js";
import { executionError } from "../common/errors.js";
import type { Protocol } from "./actions.js";
import { MODE_KEY, columnMappingUpgrade } from "./column-mapping-upgrade.js";
import { OptimisticTransaction } from "./transaction.js";
import { TYPE_WIDENING_KEY, withTypeWidening } from "./type-widening.js";

/** `delta.*` properties Sluice acts on, lower-cased → their spelling; booleans are checked. */
const HONOURED = new Map([
  ["delta.enablechangedatafeed", "delta.enableChangeDataFeed"],
  ["delta.appendonly", "delta.appendOnly"],
  ["delta.checkpointinterval", "delta.checkpointInterval"],
  ["delta.logretentionduration", "delta.logRetentionDuration"],
  ["delta.deletedfileretentionduration", "delta.deletedFileRetentionDuration"],
  ["delta.columnmapping.mode", MODE_KEY],
  ["delta.enabletypewidening", TYPE_WIDENING_KEY],
]);
const BOOLEAN = new Set(["delta.enableChangeDataFeed", "delta.appendOnly", TYPE_WIDENING_KEY]);
/** Delta table properties Delta defines but Sluice does not act on when set on an existing table. */
const NOT_HONOURED = new Set(
  [
    "delta.enableDeletionVectors", "delta.enableRowTracking", "delta.enableIcebergCompatV2",
    "delta.universalFormat.enabledFormats", "delta.dataSkippingNumIndexedCols", "delta.dataSkippingStatsColumns", "delta.checkpointPolicy",
    "delta.checkpoint.writeStatsAsJson", "delta.checkpoint.writeStatsAsStruct", "delta.isolationLevel", "delta.randomizeFilePrefixes",
    "delta.setTransactionRetentionDuration", "delta.targetFileSize", "delta.tuneFileSizesForRewrites", "delta.autoOptimize.optimizeWrite",
    "delta.autoOptimize.autoCompact", "delta.minReaderVersion", "delta.minWriterVersion", "delta.enableInCommitTimestamps",
  ].map((k) => k.toLowerCase()),
);

/** The configuration key as stored: Delta's spelling for delta.* keys Sluice honours; refuses the rest of delta.*. */
function checkedKey(key: string, table: string): string {
  const lower = key.toLowerCase();
  if (!lower.startsWith("delta.")) return key;
  const known = HONOURED.get(lower);
  if (known) return known;
  if (NOT_HONOURED.has(lower) || lower.startsWith("delta.feature.") || lower.startsWith("delta.constraints.")) {
    throw unsupported("DELTA_UNSUPPORTED_TABLE_PROPERTY", `Setting the table property ${key} on ${table} is not supported by Sluice (it would be stored but not acted on). Sluice changes ${[...HONOURED.values()].join(", ")}.`, { table, property: key });
  }
  throw analysisError("DELTA_UNKNOWN_CONFIGURATION", `[DELTA_UNKNOWN_CONFIGURATION] Unknown configuration was specified: ${key}`, { table, property: key });
}

const DEFAULTS_PREFIX = "spark.databricks.delta.properties.defaults.";
/** Properties a table takes when a write creates it (the writer applies these, protocol included). */
const AT_CREATION = new Set([...HONOURED.values(), "delta.enableDeletionVectors"]);

/**
 * The table properties a session gives every Delta table it creates, from
 * `spark.databricks.delta.properties.defaults.<name>` = value (delta-spark's rule: the table gets
 * `delta.<name>`); a name Sluice does not act on is refused, naming the config key.
 */
export function sessionTableDefaults(conf: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(conf)) {
    if (!k.toLowerCase().startsWith(DEFAULTS_PREFIX)) continue;
    const name = `delta.${k.slice(DEFAULTS_PREFIX.length)}`;
    const key = [...AT_CREATION].find((x) => x.toLowerCase() === name.toLowerCase());
    if (key === undefined) {
      throw unsupported("DELTA_UNSUPPORTED_TABLE_PROPERTY", `The session config ${k} would give new Delta tables ${name}, which Sluice does not act on; unset it. Sluice takes defaults for ${[...AT_CREATION].join(", ")}.`, { config: k });
    }
    if (BOOLEAN.has(key) || key === "delta.enableDeletionVectors") {
      if (!/^(true|false)$/i.test(v)) throw analysisError("DELTA_INVALID_TABLE_PROPERTY_VALUE", `${k} must be true or false, got '${v}'`, { config: k });
      out[key] = v.toLowerCase();
    } else out[key] = v;
  }
  return out;
}

/** SET TBLPROPERTIES: add or change `properties` in the table's configuration. */
export async function setTableProperties(tablePath: string, properties: Readonly<Record<string, string>>): Promise<void> {
  const changes: Record<string, string> = {};
  for (const [k, v] of Object.entries(properties)) {
    const key = checkedKey(k, tablePath);
    if (BOOLEAN.has(key) && !/^(true|false)$/i.test(v)) {
      throw analysisError("DELTA_INVALID_TABLE_PROPERTY_VALUE", `${key} must be true or false, got '${v}'`, { table: tablePath, property: key });
    }
    changes[key] = BOOLEAN.has(key) ? v.toLowerCase() : v;
  }
  const tx = await start(tablePath);
  const md = tx.metadata!;
  const configuration = { ...md.configuration, ...changes };
  tx.updateMetadata({ configuration });
  if (configuration["delta.enableChangeDataFeed"] === "true") {
    const upgraded = withChangeDataFeed(tx.snapshot!.protocol);
    if (upgraded) tx.upgradeProtocol(upgraded);
  }
  if (changes[TYPE_WIDENING_KEY] === "true") {
    const upgraded = withTypeWidening(tx.newProtocolOrCurrent);
    if (upgraded) tx.upgradeProtocol(upgraded);
  }
  const mapping = changes[MODE_KEY] !== undefined ? columnMappingUpgrade(md, tx.newProtocolOrCurrent, changes[MODE_KEY], tablePath) : undefined;
  if (mapping) {
    tx.updateMetadata({ schemaString: mapping.schemaString, configuration: { ...configuration, ...mapping.configuration } });
    if (mapping.protocol) tx.upgradeProtocol(mapping.protocol);
  }
  await tx.commit({ operation: "SET TBLPROPERTIES", operationParameters: { properties: JSON.stringify(changes) } });
}

/** UNSET TBLPROPERTIES: remove `keys`; a key the table does not have is skipped, with or without IF EXISTS (delta-spark 4.0 does the same). */
export async function unsetTableProperties(tablePath: string, keys: readonly string[], ifExists: boolean): Promise<void> {
  const tx = await start(tablePath);
  const configuration = { ...tx.metadata!.configuration };
  for (const k of keys) {
    const key = k.toLowerCase().startsWith("delta.") ? checkedKey(k, tablePath) : k;
    if (key === MODE_KEY && configuration[key] !== undefined) columnMappingUpgrade(tx.metadata!, tx.snapshot!.protocol, "none", tablePath); // refuses turning it off
    delete configuration[key];
  }
  tx.updateMetadata({ configuration });
  await tx.commit({ operation: "UNSET TBLPROPERTIES", operationParameters: { properties: JSON.stringify(keys), ifExists } });
}

async function start(tablePath: string): Promise<OptimisticTransaction> {
  const tx = await OptimisticTransaction.start(tablePath);
  if (!tx.snapshot) throw executionError("DELTA_TABLE_NOT_FOUND", `${tablePath} is not a Delta table`, { table: tablePath });
  return tx;
}

/** The protocol a table needs for the change data feed, or undefined when `p` already has it. */
function withChangeDataFeed(p: Protocol): Protocol | undefined {
  if (p.minWriterVersion >= 7) {
    const features = p.writerFeatures ?? [];
    return features.includes("changeDataFeed") ? undefined : { ...p, writerFeatures: [...features, "changeDataFeed"] };
  }
  if (p.minWriterVersion >= 4) return undefined;
  const legacy = ["appendOnly", "invariants", ...(p.minWriterVersion >= 3 ? ["checkConstraints"] : [])];
  return { ...p, minWriterVersion: 7, writerFeatures: [...legacy, "changeDataFeed"] };
}

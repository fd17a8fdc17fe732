/**
 * Real object stores for the parameterised tests: `storeRoot("s3")` starts this test file's S3
 * test server (scripts/s3/server.ts) on first use, `storeRoot("azure")` its Azurite Blob service
 * (scripts/azure/azurite.ts), both on 127.0.0.1 and free ports and owned by this process (a
 * watchdog stops them when it exits). Each call returns a fresh folder URI — `s3a://sluice-test/<uuid>`,
 * `abfss://sluice-test@devstoreaccount1.dfs.core.windows.net/<uuid>` or a local temp folder —
 * and the process's session Hadoop configs point at the servers, as a user's
 * `spark.hadoop.fs.s3a.endpoint` etc. would.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { setSessionHadoopConf } from "../../src/fs/file-systems.js";
import { type AzuriteHandle, startAzurite, stopAzurite } from "../../scripts/azure/azurite.js";
import { type S3ServerHandle, startS3Server, stopS3Server } from "../../scripts/s3/server.js";

export const STORES = ["local", "s3", "azure"] as const;
export type Store = (typeof STORES)[number];
export const BUCKET = "sluice-test";

let s3: Promise<S3ServerHandle> | undefined;
let azure: Promise<AzuriteHandle> | undefined;
const scratch = mkdtempSync(join(tmpdir(), "sluice-stores-"));

/** The S3 test server's settings as session configs (any key pair: the server does not check them). */
export const s3SessionConf = (endpoint: string): Record<string, string> => ({
  "spark.hadoop.fs.s3a.endpoint": endpoint,
  "spark.hadoop.fs.s3a.path.style.access": "true",
  "spark.hadoop.fs.s3a.access.key": "sluice-test",
  "spark.hadoop.fs.s3a.secret.key": "sluice-test-secret",
});

export function s3Server(): Promise<S3ServerHandle> {
  return (s3 ??= startS3Server(join(scratch, "s3"), { ownerPid: process.pid }).then((h) => {
    for (const [k, v] of Object.entries(s3SessionConf(h.endpoint))) setSessionHadoopConf(k, v);
    return h;
  }));
}

export function azuriteServer(): Promise<AzuriteHandle> {
  return (azure ??= startAzurite(join(scratch, "azurite"), { ownerPid: process.pid }).then(async (h) => {
    await BlobServiceClient.fromConnectionString(h.connectionString).getContainerClient(BUCKET).createIfNotExists();
    setSessionHadoopConf("spark.hadoop.fs.azure.connection.string", h.connectionString);
    return h;
  }));
}

/** A new, empty folder on `store`. */
export async function storeRoot(store: Store): Promise<string> {
  if (store === "local") return join(mkdtempSync(join(scratch, "local-")), "root");
  if (store === "s3") {
    await s3Server();
    return `s3a://${BUCKET}/${randomUUID()}`;
  }
  await azuriteServer();
  return `abfss://${BUCKET}@devstoreaccount1.dfs.core.windows.net/${randomUUID()}`;
}

/** Stop the servers this file started. */
export async function stopObjectStores(): Promise<void> {
  if (s3) await stopS3Server((await s3).pid);
  if (azure) await stopAzurite((await azure).pid);
}

/**
 * Azurite's Blob service (the npm devDependency `azurite`) on 127.0.0.1 and a free port, for the
 * abfss:// / wasbs:// tests. It serves Azurite's well-known development account; `dataDir` holds
 * its blobs and log, removed when the owner process has gone.
 */
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { freePort } from "../support/free-port.js";
import { launchServer, stopServer } from "../support/server-process.js";

/** Azurite's published development account and key (not a secret: every Azurite has them). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteHandle {
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  readonly blobEndpoint: string;
  readonly connectionString: string;
  readonly pid: number;
}

export async function startAzurite(dataDir: string, opts: { ownerPid?: number } = {}): Promise<AzuriteHandle> {
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const main = join(dirname(createRequire(import.meta.url).resolve("azurite/package.json")), "dist", "src", "blob", "main.js");
  const pid = await launchServer({
    name: "Azurite Blob service",
    command: process.execPath,
    args: [main, "--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", dataDir, "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl", "--disableTelemetry", "--silent"],
    logFile: join(dataDir, "azurite.log"),
    readyLine: "successfully listens on",
    removeOnExit: dataDir,
    ...(opts.ownerPid !== undefined ? { ownerPid: opts.ownerPid } : {}),
  });
  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return { blobEndpoint, pid, connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${blobEndpoint};` };
}

export const stopAzurite = (pid: number): Promise<void> => stopServer(pid, 5_000);

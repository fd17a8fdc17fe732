/**
 * What every worker_threads user shares: starting an entry that sits next to the calling module
 * (the compiled `.js` in a build, or the `.ts` source run through tsx in tests and dev — tsx
 * registers its hooks on the main thread only, so such a worker calls tsx's ESM register()
 * itself before importing the entry), and errors crossing threads as plain data that come back
 * as the same SluiceError (kind, code, context).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { type ErrorContext, type ErrorKind, SluiceError, internalError } from "./errors.js";

export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly sluice?: { readonly kind: ErrorKind; readonly code: string; readonly context: ErrorContext };
}

export function toWireError(e: unknown): WireError {
  if (e instanceof SluiceError) return { name: e.name, message: e.message, sluice: { kind: e.kind, code: e.code, context: { ...e.context } } };
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: "Error", message: String(e) };
}

export function fromWireError(e: WireError): Error {
  if (e.sluice) return new SluiceError(e.sluice.kind, e.sluice.code, e.message, e.sluice.context);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

/** file: URL of tsx's ESM API (its package exports `./esm/api`, `import` condition). */
function tsxEsmApi(from: string): string {
  const pkgPath = createRequire(from).resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { exports?: Record<string, { import?: { default?: string } } | string> };
  const api = pkg.exports?.["./esm/api"];
  const rel = typeof api === "object" ? api.import?.default : undefined;
  if (!rel) throw internalError("tsx is installed without its ./esm/api export; run from the compiled dist/ build instead");
  return pathToFileURL(join(dirname(pkgPath), rel)).href;
}

/** A worker running `<name>.js` (or `<name>.ts`) beside the module at `callerUrl` (its import.meta.url). */
export function spawnWorkerEntry(callerUrl: string, name: string): Worker {
  if (!callerUrl.endsWith(".ts")) return new Worker(new URL(`./${name}.js`, callerUrl));
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  return new Worker(`import(${JSON.stringify(tsxEsmApi(callerUrl))}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

/**
 * The committed API reference (docs/api/) is what typedoc renders from the current sources, and
 * every export of src/index.ts (and every member of an exported namespace, `functions.*`) has a
 * doc comment. Regenerate with `npm run docs:api`.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderApiReference, repoRoot, undocumentedExports } from "../../scripts/docs/api-reference.js";

const dir = mkdtempSync(join(tmpdir(), "sluice-api-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under `root`, as paths relative to it, sorted. */
function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

describe("API reference", () => {
  const fresh = join(dir, "api");
  const rendered = renderApiReference(fresh);

  it("every export of src/index.ts has a doc comment", async () => {
    expect(undocumentedExports(await rendered)).toEqual([]);
  }, 180_000);

  it("docs/api/ is what typedoc renders from the sources now (else run `npm run docs:api`)", async () => {
    await rendered;
    const committed = join(repoRoot, "docs/api");
    expect(filesUnder(committed)).toEqual(filesUnder(fresh));
    const stale = filesUnder(fresh).filter((f) => readFileSync(join(committed, f), "utf8") !== readFileSync(join(fresh, f), "utf8"));
    expect(stale).toEqual([]);
  }, 180_000);

  it("an export without a doc comment is reported by name (the check can fail)", async () => {
    const entry = join(dir, "entry.ts");
    writeFileSync(entry, "/** Documented. */\nexport const documented = 1;\nexport const bare = 2;\nexport function alsoBare(): void {}\n/** A namespace. */\nexport namespace ns {\n  /** Documented. */\n  export const inner = 1;\n  export const bareInner = 2;\n}\n");
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext", target: "ES2022" }, files: ["entry.ts"] }));
    const options = join(dir, "typedoc.json");
    writeFileSync(options, JSON.stringify({ entryPoints: ["entry.ts"], tsconfig: "tsconfig.json", name: "fixture", plugin: ["typedoc-plugin-markdown"], readme: "none", disableSources: true }));
    const project = await renderApiReference(join(dir, "fixture-out"), options);
    expect(undocumentedExports(project).sort()).toEqual(["alsoBare", "bare", "ns.bareInner"]);
  }, 180_000);
});

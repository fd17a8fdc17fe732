/**
 * The README's TypeScript snippets compile under `strict` against the package's public types, as a
 * new user's project would compile them (`import ... from "sluice"` resolves to src/index.ts).
 * Only the snippets' own diagnostics are computed, so the check stays fast.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "sluice-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ```ts blocks of a Markdown text, with the line each starts on. */
function tsBlocks(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const re = /^```(?:ts|typescript)\n([\s\S]*?)^```/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    out.push({ line: markdown.slice(0, m.index).split("\n").length + 1, code: m[1]! });
  }
  return out;
}

/** Strict diagnostics of each snippet file, formatted "file:line:col message". */
function typeCheck(files: readonly string[]): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ["lib.es2023.d.ts"],
    types: ["node"],
    typeRoots: [join(root, "node_modules/@types")],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    verbatimModuleSyntax: true,
    baseUrl: root,
    paths: { sluice: ["src/index.ts"] },
  };
  const program = ts.createProgram(files, options);
  return files.flatMap((f) =>
    [...program.getSyntacticDiagnostics(program.getSourceFile(f)), ...program.getSemanticDiagnostics(program.getSourceFile(f))].map((d) => {
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${d.file?.fileName ?? "?"}:${pos ? `${pos.line + 1}:${pos.character + 1}` : ""} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    }),
  );
}

describe("README TypeScript snippets", () => {
  const blocks = tsBlocks(readFileSync(join(root, "README.md"), "utf8"));

  it("the README has snippets to check", () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  it("every snippet type-checks under strict against the package's types", () => {
    // .mts: an ES module whatever package.json is around it, so top-level await is allowed.
    const files = blocks.map((b) => {
      const f = join(dir, `readme-line-${b.line}.mts`);
      writeFileSync(f, b.code);
      return f;
    });
    expect(typeCheck(files)).toEqual([]);
  });

  it("a snippet with a type error is reported (the check can fail)", () => {
    const f = join(dir, "broken.mts");
    writeFileSync(f, 'import { Session } from "sluice";\nconst q = await Session.builder().getOrCreate().range(3).writeStream.start();\nconst n: string = q.lastProgress!.numInputRows;\nconsole.log(n);\n');
    const errors = typeCheck([f]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/broken\.mts:3:7 Type 'number' is not assignable to type 'string'/);
  });
});

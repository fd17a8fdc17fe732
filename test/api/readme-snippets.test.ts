/**
 * The TypeScript snippets of the README and of every page under docs/ (but the generated API
 * reference) compile under `strict` against the package's public types, as a new user's project
 * would compile them (`import ... from "sluice"` resolves to src/index.ts).
 * Only the snippets' own diagnostics are computed, so the check stays fast.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "sluice-readme-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The ```ts blocks of a Markdown text, with the line each starts on. A block right after an HTML
 * comment `<!-- ts-setup ... -->` gets the comment's code first: declarations the reader does not
 * need to see (`declare const user: string;`).
 */
function tsBlocks(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const re = /^(?:<!-- ts-setup\n([\s\S]*?)^-->\n)?```(?:ts|typescript)\n([\s\S]*?)^```/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    const line = markdown.slice(0, m.index + m[0].indexOf("```")).split("\n").length + 1;
    out.push({ line, code: `${m[1] ?? ""}${m[2]!}` });
  }
  return out;
}

/** Strict diagnostics of the given files, formatted "file:line:col message", from one program over all of them. */
function typeCheck(files: readonly string[]): string[] {
  program ??= createProgram([...written]);
  return files.flatMap((f) =>
    [...program!.getSyntacticDiagnostics(program!.getSourceFile(f)), ...program!.getSemanticDiagnostics(program!.getSourceFile(f))].map((d) => {
      const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${d.file?.fileName ?? "?"}:${pos ? `${pos.line + 1}:${pos.character + 1}` : ""} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    }),
  );
}

/**
 * What a snippet may use without defining it, as a page's prose assumes: `spark`, a Session, and
 * `df`, a DataFrame. A snippet that defines or imports these names shadows them.
 */
const context = `import type { DataFrame, Session } from "sluice";
declare global {
  const spark: Session;
  const df: DataFrame;
}
`;

let program: ts.Program | undefined;
/** Every snippet file is written before the first check, so one program serves all tests. */
const written = new Set<string>();
function write(name: string, code: string): string {
  const f = join(dir, name);
  writeFileSync(f, code);
  written.add(f);
  return f;
}

function createProgram(files: readonly string[]): ts.Program {
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
  return ts.createProgram(files, options);
}

/** README.md and the Markdown pages under docs/, but docs/api/ (typedoc's signatures, not programs), as paths from the root. */
const pages = [
  "README.md",
  ...readdirSync(join(root, "docs"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".md"))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((p) => !p.startsWith(join("docs", "api")))
    .sort(),
];
const blocks = pages.flatMap((page) => tsBlocks(readFileSync(join(root, page), "utf8")).map((b) => ({ page, ...b })));
// .mts: an ES module whatever package.json is around it, so top-level await is allowed.
write("snippet-context.mts", context);
const snippetFiles = blocks.map((b) => write(`${b.page.replace(/[/.]/g, "_")}-line-${b.line}.mts`, b.code));
const publicTypes = write(
  "public-types.mts",
  `import { Session, type StreamingQuery, type StreamingQueryProgress, type StreamingQueryListener, type QueryAlertEvent, type MemoryStream, type ForeachWriter, type Trigger, type Row } from "sluice";
const spark = Session.builder().getOrCreate();
const mem: MemoryStream = spark.memoryStream("k STRING");
const trigger: Trigger = { processingTime: "5 seconds" };
const writer: ForeachWriter = { process: (row: Row) => void row };
const q: StreamingQuery = await mem.toDF().writeStream.trigger(trigger).foreach(writer).start();
const p: StreamingQueryProgress | null = q.lastProgress;
if (p) {
  const n: number = p.sources[0]!.numInputRows + p.sink.numOutputRows + p.stateOperators.reduce((a, o) => a + o.numRowsTotal, 0);
  const phase: number | undefined = p.durationMs.addBatch;
  const watermark: string | undefined = p.eventTime.watermark;
  const text: string = p.prettyJson;
  console.log(n, phase, watermark, text, p.toJSON().batchId);
}
const listener: StreamingQueryListener = {
  onQueryProgress: (e) => console.log(e.progress.numInputRows.toFixed(0)),
  onQueryAlert: (e: QueryAlertEvent) => console.log(e.metric, e.value.toFixed(1)),
  onQueryTerminated: (e) => console.log(e.exception?.length),
};
spark.streams.addListener(listener);
const status: boolean = q.status.isTriggerActive;
console.log(status, q.recentProgress.map((x) => x.batchId), q.explainString());
`,
);
const broken = write("broken.mts", 'import { Session } from "sluice";\nconst q = await Session.builder().getOrCreate().range(3).writeStream.start();\nconst n: string = q.lastProgress!.numInputRows;\nconsole.log(n);\n');

describe("TypeScript snippets of the README and docs/", () => {
  it("the README and the guides have snippets to check", () => {
    expect(blocks.filter((b) => b.page === "README.md").length).toBeGreaterThan(0);
    expect(blocks.filter((b) => b.page.startsWith(join("docs", "guides"))).length).toBeGreaterThan(0);
  });

  it("every snippet type-checks under strict against the package's types", () => {
    expect(typeCheck(snippetFiles)).toEqual([]);
  });

  it("the exported types describe what a user handles, with no unknown where the shape is known", () => {
    expect(typeCheck([publicTypes])).toEqual([]);
  });

  it("a snippet with a type error is reported (the check can fail)", () => {
    const errors = typeCheck([broken]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/broken\.mts:3:7 Type 'number' is not assignable to type 'string'/);
  });
});

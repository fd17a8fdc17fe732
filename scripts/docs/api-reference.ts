/**
 * The API reference under docs/api/: typedoc (with typedoc-plugin-markdown, as typedoc.json sets it
 * up) renders the exports of src/index.ts and their doc comments as Markdown.
 *
 *   npx tsx scripts/docs/api-reference.ts          regenerate docs/api/ (what `npm run docs:api` runs)
 *
 * test/docs/api-reference.test.ts renders it again into a temporary folder and fails when the
 * committed pages differ, or when an export has no doc comment.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Application, type ProjectReflection, type Reflection, ReflectionKind } from "typedoc";

export const repoRoot = resolve(import.meta.dirname, "../..");

/** Converts the entry points an options file names (the repository's typedoc.json by default) and writes the Markdown pages into `out`. */
export async function renderApiReference(out: string, optionsFile = resolve(repoRoot, "typedoc.json")): Promise<ProjectReflection> {
  const app = await Application.bootstrapWithPlugins({ options: optionsFile, out, logLevel: "Warn" });
  const project = await app.convert();
  if (!project) throw new Error("typedoc could not convert the entry points (see its messages above)");
  await app.generateOutputs(project);
  if (app.logger.hasErrors() || app.logger.hasWarnings()) throw new Error("typedoc reported problems (see its messages above)");
  return project;
}

/**
 * Names of the exports that carry no doc comment: the top-level ones and the members of exported
 * namespaces (`functions.when`). A function counts as documented when its first signature is; a
 * re-export when what it names is.
 */
export function undocumentedExports(project: ProjectReflection): string[] {
  const summary = (r: Reflection): boolean => Boolean(r.comment?.summary.length);
  const documented = (r: Reflection): boolean => {
    if (r.isReference()) return documented(r.getTargetReflectionDeep());
    if (!r.isDeclaration()) return summary(r);
    const signatures = r.signatures ?? (r.type?.type === "reflection" ? r.type.declaration.signatures : undefined);
    return summary(r) || Boolean(signatures?.[0] && summary(signatures[0]));
  };
  const walk = (children: readonly Reflection[] | undefined, prefix: string): string[] =>
    (children ?? []).flatMap((r) => [
      ...(documented(r) ? [] : [prefix + r.name]),
      ...(r.isDeclaration() && r.kind === ReflectionKind.Namespace ? walk(r.children, `${prefix}${r.name}.`) : []),
    ]);
  return walk(project.children, "");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await renderApiReference(resolve(repoRoot, "docs/api"));
}

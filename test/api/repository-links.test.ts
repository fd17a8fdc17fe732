/**
 * The repository's text stays self-contained: no file git tracks (docs, README, sources, scripts,
 * tests) links to a web address outside the machine — only 127.0.0.1/localhost addresses,
 * placeholders such as `http://host:port` and XML namespace names appear — and every relative
 * link in a Markdown file points at a file or folder that exists.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

/** The files git tracks; in a copy without `.git`, the tree minus what .gitignore leaves out. */
function repositoryFiles(): string[] {
  try {
    return execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n")
      .filter((f) => f !== "" && existsSync(join(root, f)));
  } catch {
    const ignored = new Set(["node_modules", "dist", "sluice-demo", "tmp", "spark-warehouse", join("bench", "data")]);
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const path = join(dir, e.name);
        if (e.name.startsWith(".") || ignored.has(relative(root, path))) return [];
        if (e.isDirectory()) return walk(path);
        return e.isFile() && !e.name.endsWith(".log") ? [relative(root, path)] : [];
      });
    return walk(root);
  }
}
const tracked = repositoryFiles();

/** Web addresses in `text` whose host is a real outside name (a dotted name, not 127.0.0.1). */
export function outsideAddresses(text: string): string[] {
  const found: string[] = [];
  for (const line of text.split("\n")) {
    if (/xmlns|schemaLocation/.test(line)) continue; // XML namespace names are not links
    for (const m of line.matchAll(/https?:\/\/([A-Za-z0-9.-]+)/g)) {
      const host = m[1]!;
      if (host === "127.0.0.1" || host === "localhost" || !/\.[A-Za-z]{2,}$/.test(host)) continue;
      found.push(m[0]);
    }
  }
  return found;
}

function textOf(file: string): string | null {
  const buf = readFileSync(join(root, file));
  return buf.includes(0) ? null : buf.toString("utf8");
}

describe("links in the repository", () => {
  it("the detector tells outside addresses from local ones and placeholders", () => {
    // the outside addresses are put together at run time: this file is scanned too
    const spark = ["https:", "spark.apache.org"].join("//");
    const example = ["http:", "example.com"].join("//");
    const sample = [
      `see [Spark](${spark}/docs/latest/) and ${example}`,
      "the UI at http://127.0.0.1:4040, http://localhost:8080, http://host:port, https://${endpoint}",
      '<project xmlns="http://maven.apache.org/POM/4.0.0">',
    ].join("\n");
    expect(outsideAddresses(sample)).toEqual([spark, example]);
  });

  it("no tracked file links outside the repository", () => {
    const offenders: string[] = [];
    for (const f of tracked.filter((f) => f !== "package-lock.json")) {
      const text = textOf(f);
      if (text === null) continue;
      for (const a of outsideAddresses(text)) offenders.push(`${f}: ${a}`);
    }
    expect(offenders).toEqual([]);
  });

  it("every relative link in a Markdown file points at something that exists", () => {
    const broken: string[] = [];
    for (const f of tracked.filter((f) => f.endsWith(".md"))) {
      const text = textOf(f) ?? "";
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split("#")[0]!;
        if (target === "" || /^[a-z]+:/i.test(target)) continue;
        if (!existsSync(join(root, dirname(f), target))) broken.push(`${f}: ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

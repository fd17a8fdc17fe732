/** `sluice delta history PATH`: a Delta table's commits as a table (or JSON), newest first. */
import { history } from "../delta/history.js";

export async function formatDeltaHistory(path: string, opts: { limit?: number; json?: boolean } = {}): Promise<string> {
  const entries = await history(path, opts.limit);
  if (opts.json) return JSON.stringify(entries.map(({ commitInfo: _c, ...e }) => e), null, 2) + "\n";
  const rows = entries.map((e) => [
    String(e.version),
    e.timestamp.toISOString().replace("T", " ").slice(0, 19),
    e.operation ?? "",
    Object.entries(e.operationParameters).map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`).join(" "),
    Object.entries(e.operationMetrics).map(([k, v]) => `${k}=${String(v)}`).join(" "),
  ]);
  const head = ["version", "timestamp", "operation", "parameters", "metrics"];
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const fmt = (r: readonly string[]) => r.map((c, i) => (c.length > widths[i]! ? `${c.slice(0, widths[i]! - 1)}…` : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)].join("\n") + "\n";
}

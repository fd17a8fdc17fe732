/**
 * `sluice delta optimize PATH [--where COND]` and `sluice delta vacuum PATH [--retain HOURS]
 * [--dry-run]`: Delta's OPTIMIZE (bin-packing compaction) and VACUUM on a table folder, with a
 * progress bar on stderr while files are compacted or deleted (progress-bar.ts), so stdout holds
 * the result only: OPTIMIZE's metrics, VACUUM's deleted (or, dry, deletable) files.
 */
import { DeltaTable } from "../delta/delta-table.js";
import { vacuum } from "../delta/vacuum.js";
import { Session } from "../session/session.js";
import { progressOn } from "./progress-bar.js";

export async function optimizeCommand(path: string, opts: { where?: string }, out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<void> {
  const spark = Session.builder().config("spark.ui.enabled", false).getOrCreate();
  try {
    const bar = progressOn(err, "compacting files");
    const builder = DeltaTable.forPath(spark, path).optimize();
    const [row] = await (opts.where !== undefined ? builder.where(opts.where) : builder).onProgress(bar.update).executeCompaction().then((df) => df.collect());
    bar.finish();
    const m = row!.metrics as { numFilesRemoved: bigint; numFilesAdded: bigint; partitionsOptimized: bigint; totalConsideredFiles: bigint; filesRemoved: { totalSize: bigint }; filesAdded: { totalSize: bigint } };
    out.write(
      `${path}: ${m.numFilesRemoved} files (${m.filesRemoved.totalSize} bytes) compacted into ${m.numFilesAdded} (${m.filesAdded.totalSize} bytes) in ${m.partitionsOptimized} partition(s); ${m.totalConsideredFiles} file(s) considered\n`,
    );
  } finally {
    await spark.stop();
  }
}

export async function vacuumCommand(path: string, opts: { retain?: number; dryRun: boolean; retentionCheck: boolean }, out: NodeJS.WriteStream = process.stdout, err: NodeJS.WriteStream = process.stderr): Promise<void> {
  const bar = progressOn(err, "deleting files");
  const res = await vacuum(path, { ...(opts.retain !== undefined ? { retentionHours: opts.retain } : {}), dryRun: opts.dryRun, retentionDurationCheck: opts.retentionCheck, onProgress: bar.update });
  bar.finish();
  for (const f of res.deleted) out.write(`${f}\n`);
  out.write(`${path}: ${res.deleted.length} file(s) ${opts.dryRun ? "would be deleted (dry run)" : "deleted"}\n`);
}

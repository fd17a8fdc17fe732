/** Child process for concurrency.test.ts: blind-append `n` commits (one file each) to a table. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { OptimisticTransaction } from "../../src/delta/transaction.js";

const [table, writer, n] = process.argv.slice(2) as [string, string, string];
for (let i = 0; i < Number(n); i++) {
  const tx = await OptimisticTransaction.start(table);
  const path = `w${writer}-${i}.parquet`;
  writeFileSync(join(table, path), "x");
  tx.add({ path, partitionValues: {}, size: 1, modificationTime: Date.now(), dataChange: true, stats: '{"numRecords":1}' });
  if (i % 7 === 0) tx.setTxn(`writer-${writer}`, i);
  await tx.commit({ operation: "WRITE", operationParameters: { mode: "Append" } });
}

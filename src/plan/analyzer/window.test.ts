/** INTERVAL RANGE frames and SQL event-time windows, end to end (answers checked with PySpark 4.0.1). */
import { describe, expect, it } from "vitest";
import { SluiceError } from "../../common/errors.js";
import { Session } from "../../index.js";

const spark = Session.builder().getOrCreate();
const ts = (s: string | null): Date | null => (s === null ? null : new Date(`2024-03-01T${s}Z`));
spark
  .createDataFrame(
    [
      { id: 1, ts: ts("10:00:00"), d: new Date("2024-03-01T00:00:00Z"), v: 1 },
      { id: 2, ts: ts("10:04:00"), d: new Date("2024-03-02T00:00:00Z"), v: 2 },
      { id: 3, ts: ts("10:09:00"), d: new Date("2024-03-04T00:00:00Z"), v: 4 },
      { id: 4, ts: null, d: null, v: 8 },
    ],
    "id INT, ts TIMESTAMP, d DATE, v INT",
  )
  .createOrReplaceTempView("wt");

const byId = async (sql: string): Promise<unknown[][]> =>
  (await spark.sql(sql).collect()).map((r) => Object.values(r)).sort((a, b) => Number(a[0]) - Number(b[0]));

async function errorCode(sql: string): Promise<string> {
  try {
    await spark.sql(sql).collect();
  } catch (e) {
    expect(e).toBeInstanceOf(SluiceError);
    return (e as SluiceError).code;
  }
  throw new Error("expected an error");
}

describe("RANGE frames with INTERVAL bounds", () => {
  it("over a TIMESTAMP order key (microseconds)", async () => {
    expect(await byId("select id, sum(v) over (order by ts range between interval 5 minutes preceding and current row) from wt")).toEqual([
      [1, 1n],
      [2, 3n],
      [3, 6n],
      [4, 8n],
    ]);
  });
  it("over a DATE order key (days)", async () => {
    expect(await byId("select id, sum(v) over (order by d range between interval 1 day preceding and interval '1' day following) from wt")).toEqual([
      [1, 3n],
      [2, 3n],
      [3, 4n],
      [4, 8n],
    ]);
  });
  it("an INTERVAL bound needs RANGE and a TIMESTAMP or DATE key: DATATYPE_MISMATCH", async () => {
    expect(await errorCode("select sum(v) over (order by id range between interval 1 day preceding and current row) from wt")).toBe("DATATYPE_MISMATCH");
    expect(await errorCode("select sum(v) over (order by ts rows between interval 1 day preceding and current row) from wt")).toBe("DATATYPE_MISMATCH");
    expect(await errorCode("select sum(v) over (order by d range between interval 1 hour preceding and current row) from wt")).toBe("DATATYPE_MISMATCH");
  });
});

describe("window() in SQL GROUP BY", () => {
  it("reads window.start / window.end and skips null event times", async () => {
    const got = (await spark.sql("select window.start as s, window.end as e, count(*) as n from wt group by window(ts, '5 minutes')").collect()).map((r) => [
      (r.s as Date).toISOString().slice(11, 16),
      (r.e as Date).toISOString().slice(11, 16),
      r.n,
    ]);
    expect(got.sort()).toEqual([
      ["10:00", "10:05", 2n],
      ["10:05", "10:10", 1n],
    ]);
  });
});

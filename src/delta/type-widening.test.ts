import { afterAll, describe, expect, it } from "vitest";
import { Session } from "../index.js";
import { loadSnapshot } from "./snapshot.js";
import { errorOf, tempTable } from "./test-helpers.js";

const spark = Session.builder().config("spark.sql.session.timeZone", "UTC").getOrCreate();
afterAll(() => spark.stop());
const sql = async (q: string) => spark.sql(q).collect();

describe("type widening", () => {
  it("old TINYINT/SMALLINT files read as the wider DECIMAL and DOUBLE; nested targets take only TYPE", async () => {
    const t = tempTable();
    await spark
      .sql("SELECT CAST(-128 AS TINYINT) b, CAST(300 AS SMALLINT) s, array(CAST(1 AS SMALLINT)) a")
      .write.format("delta")
      .option("delta.enableTypeWidening", "true")
      .save(t);
    const T = `delta.\`${t}\``;
    await sql(`ALTER TABLE ${T} ALTER COLUMN b TYPE DECIMAL(12, 2)`);
    await sql(`ALTER TABLE ${T} ALTER COLUMN s TYPE DOUBLE`);
    await sql(`ALTER TABLE ${T} ALTER COLUMN a.element TYPE BIGINT`);
    expect(await spark.read.format("delta").load(t).collect()).toEqual([{ b: "-128.00", s: 300, a: [1n] }]);
    const version = (await loadSnapshot(t)).version;
    expect((await errorOf(() => sql(`ALTER TABLE ${T} ALTER COLUMN a.element COMMENT 'x'`))).code).toBe("DELTA_UNSUPPORTED_ALTER_TABLE_CHANGE_COL_OP");
    expect((await errorOf(() => sql(`ALTER TABLE ${T} ALTER COLUMN a.key TYPE BIGINT`))).code).toBe("UNRESOLVED_COLUMN.WITH_SUGGESTION");
    expect((await loadSnapshot(t)).version, "nothing is committed").toBe(version);
  });

  it("SET TBLPROPERTIES checks the value is a boolean", async () => {
    const t = tempTable();
    await spark.sql("SELECT 1 AS i").write.format("delta").save(t);
    expect((await errorOf(() => sql(`ALTER TABLE delta.\`${t}\` SET TBLPROPERTIES ('delta.enableTypeWidening' = 'yes')`))).code).toBe("DELTA_INVALID_TABLE_PROPERTY_VALUE");
  });
});

import { describe, expect, it } from "vitest";
import { errorOf } from "../delta/test-helpers.js";
import type { DeltaCommand } from "./delta-statements.js";
import { parseScript, parseStatement } from "./parser.js";
import { planShape } from "./plan-shape.js";

function command(text: string): DeltaCommand {
  const st = parseStatement(text);
  if (st.kind !== "delta") throw new Error(`not a Delta statement: ${st.kind}`);
  return st.command;
}

describe("Delta statements", () => {
  it("DELETE and UPDATE take a path table, an alias and a WHERE", () => {
    expect(command("DELETE FROM delta.`/t` AS x WHERE x.id > 1")).toMatchObject({ kind: "delete", table: { nameParts: ["delta", "/t"], alias: "x" }, where: { kind: "call", name: "gt" } });
    expect(command("delete from delta.`/t`")).toEqual({ kind: "delete", table: { nameParts: ["delta", "/t"] } });
    const u = command("UPDATE delta.`/t` t SET t.v = upper(v), id = id + 1 WHERE id < 3");
    expect(u).toMatchObject({ kind: "update", table: { alias: "t" }, set: [{ column: ["t", "v"] }, { column: ["id"] }] });
    expect("where" in u).toBe(true);
  });

  it("MERGE keeps its clauses in order, by kind, with conditions and actions", () => {
    const m = command(
      "MERGE INTO delta.`/t` AS t USING (SELECT * FROM src) s ON t.id = s.id " +
        "WHEN MATCHED AND s.v = 'del' THEN DELETE WHEN MATCHED THEN UPDATE SET * " +
        "WHEN NOT MATCHED BY TARGET AND s.v IS NULL THEN INSERT (id, v) VALUES (s.id, s.v) WHEN NOT MATCHED THEN INSERT * " +
        "WHEN NOT MATCHED BY SOURCE AND t.id > 4 THEN DELETE WHEN NOT MATCHED BY SOURCE THEN UPDATE SET v = 'old'",
    );
    if (m.kind !== "merge") throw new Error(m.kind);
    expect(m.sourceAlias).toBe("s");
    expect(planShape(m.source)).toBe("project[*](table[src])");
    expect(m.matched.map((c) => [c.action.kind, c.condition !== undefined])).toEqual([["delete", true], ["update", false]]);
    expect(m.notMatched.map((c) => c.action.kind)).toEqual(["insert", "insertAll"]);
    expect(m.notMatched[0]!.action).toMatchObject({ columns: [["id"], ["v"]], values: [{ kind: "column" }, { kind: "column" }] });
    expect(m.notMatchedBySource.map((c) => [c.action.kind, c.condition !== undefined])).toEqual([["delete", true], ["update", false]]);
  });

  it("MERGE from a table name, without aliases", () => {
    const m = command("MERGE INTO delta.`/t` USING updates ON id = uid WHEN MATCHED THEN DELETE");
    expect(m).toMatchObject({ kind: "merge", table: { nameParts: ["delta", "/t"] } });
    if (m.kind === "merge") expect(planShape(m.source)).toBe("table[updates]");
  });

  it("table maintenance statements", () => {
    expect(command("OPTIMIZE delta.`/t` WHERE p = 'x'")).toMatchObject({ kind: "optimize", where: { kind: "call" } });
    expect(command("OPTIMIZE '/t'")).toEqual({ kind: "optimize", table: { nameParts: ["/t"], path: "/t" } });
    expect(command("RESTORE TABLE delta.`/t` TO VERSION AS OF 3")).toMatchObject({ kind: "restore", version: 3 });
    expect(command("RESTORE delta.`/t` TIMESTAMP AS OF '2024-01-31 12:00:00'")).toMatchObject({ kind: "restore", timestamp: "2024-01-31 12:00:00" });
    expect(command("VACUUM delta.`/t` RETAIN 0 HOURS DRY RUN")).toMatchObject({ kind: "vacuum", retainHours: 0, dryRun: true });
    expect(command("VACUUM '/t'")).toMatchObject({ kind: "vacuum", dryRun: false, table: { path: "/t" } });
    expect(command("DESCRIBE HISTORY delta.`/t` LIMIT 2")).toMatchObject({ kind: "describeHistory", limit: 2 });
    expect(command("DESC DETAIL delta.`/t`")).toMatchObject({ kind: "describeDetail" });
  });

  it("ALTER TABLE SET / UNSET TBLPROPERTIES", () => {
    expect(command("ALTER TABLE delta.`/t` SET TBLPROPERTIES (delta.enableChangeDataFeed = TRUE, 'owner.note' = 'n', delta.checkpointInterval = 5)")).toEqual({
      kind: "setProperties",
      table: { nameParts: ["delta", "/t"] },
      properties: { "delta.enableChangeDataFeed": "true", "owner.note": "n", "delta.checkpointInterval": "5" },
    });
    expect(command("ALTER TABLE delta.`/t` UNSET TBLPROPERTIES IF EXISTS ('a', delta.appendOnly)")).toMatchObject({ kind: "unsetProperties", keys: ["a", "delta.appendOnly"], ifExists: true });
  });

  it("column DDL: RENAME, DROP, ADD and ALTER | CHANGE COLUMN with Spark's clauses", () => {
    const t = "ALTER TABLE delta.`/t`";
    expect(command(`${t} RENAME COLUMN s.\`a b\` TO c`)).toMatchObject({ kind: "renameColumn", column: ["s", "a b"], newName: "c" });
    expect(command(`${t} DROP COLUMN a`)).toMatchObject({ kind: "dropColumns", columns: [["a"]], ifExists: false });
    expect(command(`${t} DROP COLUMNS IF EXISTS (a, s.x)`)).toMatchObject({ kind: "dropColumns", columns: [["a"], ["s", "x"]], ifExists: true });
    expect(command(`${t} ADD COLUMNS (c INT COMMENT 'the c' FIRST, s.z DECIMAL(10, 2) NOT NULL AFTER x, m MAP<STRING, INT>)`)).toEqual({
      kind: "addColumns",
      table: { nameParts: ["delta", "/t"] },
      columns: [
        { path: ["c"], type: { kind: "int" }, typeText: "INT", nullable: true, comment: "the c", position: { kind: "first" } },
        { path: ["s", "z"], type: { kind: "decimal", precision: 10, scale: 2 }, typeText: "DECIMAL(10, 2)", nullable: false, position: { kind: "after", column: "x" } },
        { path: ["m"], type: { kind: "map", keyType: { kind: "string" }, valueType: { kind: "int" }, valueContainsNull: true }, typeText: "MAP<STRING, INT>", nullable: true },
      ],
    });
    expect(command(`${t} ADD COLUMN e DOUBLE`)).toMatchObject({ kind: "addColumns", columns: [{ path: ["e"], type: { kind: "double" } }] });
    expect(command(`${t} ALTER COLUMN v COMMENT 'x'`)).toMatchObject({ kind: "changeColumn", column: ["v"], change: { comment: "x" } });
    expect(command(`${t} ALTER COLUMN s.x SET NOT NULL`)).toMatchObject({ column: ["s", "x"], change: { nullable: false } });
    expect(command(`${t} CHANGE v DROP NOT NULL`)).toMatchObject({ column: ["v"], change: { nullable: true } });
    expect(command(`${t} ALTER COLUMN v TYPE BIGINT`)).toMatchObject({ change: { type: { kind: "bigint" } } });
    expect(command(`${t} ALTER COLUMN v AFTER w`)).toMatchObject({ change: { position: { kind: "after", column: "w" } } });
    expect(command(`${t} CHANGE COLUMN v v STRING COMMENT 'c' FIRST`)).toMatchObject({ change: { type: { kind: "string" }, comment: "c", position: { kind: "first" } } });
  });

  it("statements split in a script and DELETE / DESCRIBE stay names elsewhere", () => {
    expect(parseScript("DELETE FROM delta.`/t` WHERE id = 1; VACUUM delta.`/t`").map((s) => s.kind)).toEqual(["delta", "delta"]);
    expect(parseStatement("SELECT delete, update FROM t").kind).toBe("query");
  });

  it("refuses clauses Sluice does not run, by name", async () => {
    const cases: [string, RegExp][] = [
      ["OPTIMIZE delta.`/t` ZORDER BY (id)", /ZORDER BY/],
      ["OPTIMIZE delta.`/t` FULL", /FULL \(liquid clustering\)/],
      ["VACUUM delta.`/t` USING INVENTORY inv", /USING INVENTORY/],
      ["VACUUM delta.`/t` LITE", /VACUUM \.\.\. LITE/],
      ["MERGE WITH SCHEMA EVOLUTION INTO delta.`/t` USING s ON a = b WHEN MATCHED THEN DELETE", /SCHEMA EVOLUTION/],
      ["DELETE FROM delta.`/t` WHERE id IN (SELECT id FROM s)", /Subqueries in DELETE/],
      ["UPDATE delta.`/t` SET v = (SELECT max(v) FROM s)", /Subqueries in UPDATE/],
      ["ALTER TABLE delta.`/t` RENAME TO delta.`/u`", /This ALTER TABLE statement/],
      ["ALTER TABLE delta.`/t` ADD COLUMNS (x INT DEFAULT 1)", /DEFAULT values/],
      ["ALTER TABLE delta.`/t` ALTER COLUMN x SET DEFAULT 1", /DEFAULT values/],
      ["ALTER TABLE delta.`/t` CHANGE COLUMN x y INT", /Renaming a column with CHANGE COLUMN/],
      ["ALTER TABLE delta.`/t` CHANGE COLUMN x x INT NOT NULL", /NOT NULL in Hive-style/],
      ["ALTER TABLE delta.`/t`(a) SET TBLPROPERTIES (a = 1)", /Partition specs and column lists/],
    ];
    for (const [text, message] of cases) {
      const e = await errorOf(() => parseStatement(text));
      expect(e.code, text).toBe("UNSUPPORTED_FEATURE");
      expect(e.message, text).toMatch(message);
    }
  });

  it("MERGE's clause-list errors carry Spark's error classes", async () => {
    const m = "MERGE INTO delta.`/t` t USING s ON t.id = s.id";
    const cases: [string, string][] = [
      [m, "MERGE_WITHOUT_WHEN"],
      [`${m} WHEN MATCHED THEN DELETE WHEN MATCHED THEN UPDATE SET *`, "NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION"],
      [`${m} WHEN NOT MATCHED THEN INSERT * WHEN NOT MATCHED AND s.id > 1 THEN INSERT *`, "NON_LAST_NOT_MATCHED_BY_TARGET_CLAUSE_OMIT_CONDITION"],
      [`${m} WHEN NOT MATCHED BY SOURCE THEN DELETE WHEN NOT MATCHED BY SOURCE THEN UPDATE SET v = 1`, "NON_LAST_NOT_MATCHED_BY_SOURCE_CLAUSE_OMIT_CONDITION"],
    ];
    for (const [text, code] of cases) {
      const e = await errorOf(() => parseStatement(text));
      expect(e.code, text).toBe(code);
      expect(e.context.line).toBe(1);
    }
  });

  it("syntax errors name what was expected, with line:column", async () => {
    const cases: [string, RegExp][] = [
      ["MERGE INTO delta.`/t` t USING s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN INSERT *", /WHEN NOT MATCHED BY SOURCE clauses take UPDATE SET column = value or DELETE/],
      ["MERGE INTO delta.`/t` t USING s ON t.id = s.id WHEN NOT MATCHED THEN DELETE", /WHEN NOT MATCHED clauses take INSERT/],
      ["MERGE INTO delta.`/t` t USING s ON t.id = s.id WHEN MATCHED THEN INSERT *", /WHEN MATCHED clauses take UPDATE or DELETE/],
      ["MERGE INTO delta.`/t` t USING s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN UPDATE SET *", /UPDATE SET column = value/],
      ["MERGE INTO delta.`/t` t USING s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (a, b) VALUES (1)", /INSERT names 2 columns but gives 1 values/],
      ["RESTORE TABLE delta.`/t` TO VERSION AS OF 'x'", /expected a version number/],
      ["RESTORE TABLE delta.`/t` AS OF 3", /expected VERSION AS OF n or TIMESTAMP AS OF/],
      ["VACUUM delta.`/t` RETAIN x HOURS", /expected a number of hours/],
      ["DESCRIBE HISTORY delta.`/t` LIMIT x", /expected a row count/],
      ["ALTER TABLE delta.`/t` SET TBLPROPERTIES (a = b)", /expected a literal value for property 'a'/],
      ["ALTER TABLE delta.`/t` SET TBLPROPERTIES (a = 1, a = 2)", /property 'a' is given more than once/],
    ];
    for (const [text, message] of cases) {
      const e = await errorOf(() => parseStatement(text));
      expect(e.code, text).toBe("PARSE_SYNTAX_ERROR");
      expect(e.message, text).toMatch(message);
      expect(e.context.line, text).toBe(1);
    }
  });
});

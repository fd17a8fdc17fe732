import { describe, expect, it } from "vitest";
import { LongType } from "../../types/data-type.js";
import { StructType } from "../../types/struct-type.js";
import { SluiceError } from "../../common/errors.js";
import type { ExecutionPlan, TaskContext } from "../execution-plan.js";
import { DropDuplicatesExec } from "./drop-duplicates-exec.js";
import { FilterExec } from "./filter-exec.js";
import { LimitExec } from "./limit-exec.js";
import { ProjectExec } from "./project-exec.js";
import { RangeExec } from "./range-exec.js";
import { UnionExec } from "./union-exec.js";
import { WatermarkExec } from "./watermark-exec.js";
import { ADD, GT, call, ctx, lit, ref, relation, rows, shimCompile, tuples } from "./test-helpers.js";
import type { ScalarFunction } from "../../expr/function-types.js";

const small: TaskContext = { ...ctx, batchSize: 3 };

describe("RangeExec", () => {
  it("produces ids in batches of batchSize, with negative steps and empty ranges", async () => {
    const schema = StructType.fromDDL("id BIGINT NOT NULL");
    expect((await tuples(new RangeExec(schema, 0, 7, 1), small)).flat()).toEqual([0n, 1n, 2n, 3n, 4n, 5n, 6n]);
    expect((await tuples(new RangeExec(schema, 10, 0, -3), small)).flat()).toEqual([10n, 7n, 4n, 1n]);
    expect(await tuples(new RangeExec(schema, 5, 5, 1))).toEqual([]);
    expect(new RangeExec(schema, 0, 10, 4).describe()).toBe("RangeExec: (0, 10, step=4)");
  });
  it("rejects a zero step", () => {
    const schema = StructType.fromDDL("id BIGINT");
    expect(() => new RangeExec(schema, 0, 1, 0)).toThrow(SluiceError);
    try {
      new RangeExec(schema, 0, 1, 0);
    } catch (e) {
      expect((e as SluiceError).code).toBe("INVALID_PARAMETER_VALUE");
    }
  });
});

describe("ProjectExec and FilterExec", () => {
  const input = () => relation("a BIGINT, b BIGINT", [{ a: 1, b: 10 }, { a: null, b: 20 }], [], [{ a: 5, b: 30 }]);
  it("evaluates expressions per batch", async () => {
    const p = new ProjectExec(input(), [call(ADD, [ref(0, LongType, "a"), ref(1, LongType, "b")])], StructType.fromDDL("s BIGINT"), shimCompile);
    expect(await rows(p)).toEqual([{ s: 11n }, { s: null }, { s: 35n }]);
    expect(p.describe()).toBe("ProjectExec: [(a#0 + b#1)]");
  });
  it("treats a null condition as false and skips empty results", async () => {
    const f = new FilterExec(input(), call(GT, [ref(0, LongType, "a"), lit(1, LongType)]), shimCompile);
    expect(await rows(f)).toEqual([{ a: 5n, b: 30n }]);
    expect(f.describe()).toBe("FilterExec: (a#0 > 1)");
  });
  it("numbers rows with monotonically_increasing_id across batches", async () => {
    const mid: ScalarFunction = {
      name: "monotonically_increasing_id",
      resolve: () => ({ argTypes: [], returnType: LongType }),
      compile: () => {
        throw new Error("must be handled by ProjectExec");
      },
    };
    const p = new ProjectExec(
      input(),
      [ref(1, LongType, "b"), call(ADD, [{ kind: "call", fn: mid, args: [], type: LongType, nullable: false }, lit(100, LongType)])],
      StructType.fromDDL("b BIGINT, id BIGINT"),
      shimCompile,
    );
    expect(await tuples(p)).toEqual([
      [10n, 100n],
      [20n, 101n],
      [30n, 102n],
    ]);
  });
});

describe("LimitExec", () => {
  it("applies offset and limit across batches", async () => {
    const schema = StructType.fromDDL("id BIGINT");
    const l = new LimitExec(new RangeExec(schema, 0, 10, 1), 4, 2);
    expect((await tuples(l, small)).flat()).toEqual([2n, 3n, 4n, 5n]);
    expect(l.describe()).toBe("LimitExec: limit=4, offset=2");
    expect((await tuples(new LimitExec(new RangeExec(schema, 0, 5, 1), -1, 3), small)).flat()).toEqual([3n, 4n]);
    expect(await tuples(new LimitExec(new RangeExec(schema, 0, 5, 1), 0))).toEqual([]);
  });
  it("stops pulling its child once the limit is reached", async () => {
    let pulled = 0;
    const schema = StructType.fromDDL("id BIGINT");
    const range = new RangeExec(schema, 0, 1_000_000, 1);
    const counting: ExecutionPlan = {
      name: "Counting",
      schema,
      children: [],
      describe: () => "Counting",
      async *execute(c) {
        for await (const b of range.execute(c)) {
          pulled++;
          yield b;
        }
      },
    };
    expect((await tuples(new LimitExec(counting, 5), small)).flat()).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(pulled).toBe(2);
  });
});

describe("UnionExec, WatermarkExec, DropDuplicatesExec", () => {
  it("concatenates inputs under the union's schema", async () => {
    const schema = StructType.fromDDL("x BIGINT");
    const u = new UnionExec([relation("a BIGINT", [{ a: 1 }]), relation("b BIGINT", [{ b: 2 }])], schema);
    expect(await rows(u)).toEqual([{ x: 1n }, { x: 2n }]);
  });
  it("passes rows through a batch watermark", async () => {
    const w = new WatermarkExec(relation("t TIMESTAMP", [{ t: new Date(0) }]), 0, 5000);
    expect((await rows(w)).length).toBe(1);
    expect(w.describe()).toBe("WatermarkExec: t, delay=5000 ms");
  });
  it("keeps the first row per key across batches; null, NaN and -0.0 keys compare equal", async () => {
    const input = relation(
      "k DOUBLE, v INT",
      [
        { k: 1, v: 1 },
        { k: null, v: 2 },
        { k: NaN, v: 3 },
        { k: -0, v: 4 },
      ],
      [
        { k: 1, v: 5 },
        { k: null, v: 6 },
        { k: NaN, v: 7 },
        { k: 0, v: 8 },
        { k: 2, v: 9 },
      ],
    );
    const d = new DropDuplicatesExec(input, [0]);
    expect((await tuples(d)).map((r) => r[1])).toEqual([1, 2, 3, 4, 9]);
    const all = new DropDuplicatesExec(relation("a INT, b STRING", [{ a: 1, b: "x" }, { a: 1, b: "y" }, { a: 1, b: "x" }], [{ a: null, b: null }, { a: null, b: null }]), [0, 1]);
    expect(await tuples(all)).toEqual([
      [1, "x"],
      [1, "y"],
      [null, null],
    ]);
    expect(all.describe()).toBe("DropDuplicatesExec: [a, b]");
  });
});

describe("cancellation", () => {
  it("ends an aborted task with TASK_INTERRUPTED, never with a stream cut short as if complete", async () => {
    const controller = new AbortController();
    controller.abort();
    const schema = StructType.fromDDL("id BIGINT");
    const f = new FilterExec(new RangeExec(schema, 0, 10, 1), call(GT, [ref(0, LongType), lit(-1, LongType)]), shimCompile);
    await expect(tuples(f, { ...small, signal: controller.signal })).rejects.toMatchObject({ code: "TASK_INTERRUPTED" });
  });
});

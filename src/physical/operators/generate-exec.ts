/**
 * GenerateExec: explode / posexplode (and their _outer forms) of arrays and maps, and `inline` of
 * array<struct>. Output = the input row repeated once per element, followed by the generated
 * columns: explode → col (array) or key, value (map); posexplode → pos, then the same; inline →
 * one column per struct field. Without `outer`, null or empty collections produce no row; with
 * it they produce one row whose generated columns are null.
 */
import type { ColumnBatch } from "../../columnar/column-batch.js";
import { VectorBuilder, makeBatch, take } from "../../columnar/column-batch.js";
import type { CompiledExpr } from "../../expr/function-types.js";
import type { RExpr } from "../../expr/resolved-expr.js";
import type { StructType } from "../../types/struct-type.js";
import { type ExecutionPlan, type TaskContext, throwIfAborted } from "../execution-plan.js";
import { type Compiler, exprToString } from "./describe.js";

export type GeneratorKind = "explode" | "posexplode" | "inline";

export class GenerateExec implements ExecutionPlan {
  readonly name = "GenerateExec";
  readonly children: readonly ExecutionPlan[];
  private readonly compiled: CompiledExpr;

  constructor(
    readonly child: ExecutionPlan,
    readonly generator: GeneratorKind,
    readonly outer: boolean,
    readonly arg: RExpr,
    readonly schema: StructType,
    compile: Compiler,
  ) {
    this.children = [child];
    this.compiled = compile(arg);
  }

  async *execute(ctx: TaskContext): AsyncIterable<ColumnBatch> {
    const width = this.child.schema.length;
    const genFields = this.schema.fields.slice(width);
    const withPos = this.generator === "posexplode";
    const isMap = this.arg.type.kind === "map";
    const el = this.arg.type.kind === "array" ? this.arg.type.elementType : null;
    const structNames = el !== null && el.kind === "struct" ? el.fields.map((f) => f.name) : genFields.map((f) => f.name);
    for await (const batch of this.child.execute(ctx)) {
      throwIfAborted(ctx);
      const n = batch.numRows;
      if (n === 0) continue;
      const coll = this.compiled(batch);
      const values = coll.values as unknown[];
      const validity = coll.validity;
      const rowIx: number[] = [];
      const builders = genFields.map((f) => new VectorBuilder(f.type, n));
      for (let i = 0; i < n; i++) {
        const v = validity !== null && validity[i] === 0 ? null : values[i];
        const size = v === null || v === undefined ? 0 : isMap ? (v as Map<unknown, unknown>).size : (v as unknown[]).length;
        if (size === 0) {
          if (this.outer) {
            rowIx.push(i);
            for (const b of builders) b.append(null);
          }
          continue;
        }
        if (isMap) {
          let pos = 0;
          for (const [k, x] of v as Map<unknown, unknown>) {
            rowIx.push(i);
            let c = 0;
            if (withPos) builders[c++]!.append(pos++);
            builders[c++]!.append(k);
            builders[c]!.append(x);
          }
        } else if (this.generator === "inline") {
          for (const s of v as unknown[]) {
            rowIx.push(i);
            const o = s as Record<string, unknown> | null;
            for (let c = 0; c < builders.length; c++) builders[c]!.append(o === null ? null : (o[structNames[c]!] ?? null));
          }
        } else {
          const arr = v as unknown[];
          for (let pos = 0; pos < arr.length; pos++) {
            rowIx.push(i);
            if (withPos) {
              builders[0]!.append(pos);
              builders[1]!.append(arr[pos] ?? null);
            } else builders[0]!.append(arr[pos] ?? null);
          }
        }
      }
      if (rowIx.length === 0) continue;
      const ix = Int32Array.from(rowIx);
      yield makeBatch(
        this.schema,
        [...batch.columns.map((c) => take(c, ix)), ...builders.map((b) => b.finish())],
        ix.length,
      );
    }
  }

  describe(): string {
    return `${this.name}: ${this.generator}${this.outer ? "_outer" : ""}(${exprToString(this.arg)}), [${this.schema.fields
      .slice(this.child.schema.length)
      .map((f) => f.name)
      .join(", ")}]`;
  }
}

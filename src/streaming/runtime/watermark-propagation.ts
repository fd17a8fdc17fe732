/**
 * Spark's watermark propagation between chained stateful operators (Spark ≥ 3.5,
 * PropagateWatermarkSimulator): the query's watermark enters at each withWatermark node and flows
 * up the plan; a node's input watermark is the least of its children's outputs, and each stateful
 * operator says what watermark it passes on (its produceOutputWatermark):
 *   - a stream–stream join: the least of its input watermark and the state watermarks of its two
 *     sides — a time-interval join can still emit rows that much older than its input watermark,
 *     so an aggregation after it must not close their windows yet;
 *   - flatMapGroupsWithState, and transformWithState in ProcessingTime mode: none (their output
 *     has no event time a later operator could rely on);
 *   - every other node: its input watermark.
 * A node whose children carry no watermark gets none.
 */
import { type ResolvedPlan, resolvedChildren } from "../../plan/resolved-plan.js";
import { joinStatePredicate } from "../../plan/stream-join-watermark.js";

/**
 * The input watermark (ms) of every node of `root` that has one, given the query's watermark
 * `originMs`; `stateful` tells a stream–stream join from a stream–static one (which passes its
 * input on, as any stateless node).
 */
export function inputWatermarks(root: ResolvedPlan, originMs: number, stateful: (p: ResolvedPlan) => boolean): Map<ResolvedPlan, number> {
  const input = new Map<ResolvedPlan, number>();
  const output = (p: ResolvedPlan): number | undefined => {
    const ins = resolvedChildren(p)
      .map(output)
      .filter((w): w is number => w !== undefined);
    const wm = ins.length > 0 ? Math.min(...ins) : undefined;
    if (wm !== undefined) input.set(p, wm);
    if (p.kind === "watermark") return originMs;
    if (wm === undefined) return undefined;
    if (p.kind === "flatMapGroupsWithState") return undefined;
    if (p.kind === "transformWithState") return p.spec.timeMode === "ProcessingTime" ? undefined : wm;
    if (p.kind === "join" && stateful(p)) {
      const states = [joinStatePredicate(p, "left", wm), joinStatePredicate(p, "right", wm)].flatMap((s) => (s ? [s.watermarkMs] : []));
      return Math.min(wm, ...states);
    }
    return wm;
  };
  output(root);
  return input;
}

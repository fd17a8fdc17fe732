import { describe, expect, it } from "vitest";
import { runJoinFragment } from "./join-fragment.js";

describe("runJoinFragment", () => {
  it("a probe piece for a broadcast this worker does not hold fails with BROADCAST_UNKNOWN", async () => {
    const piece = { kind: "rows" as const, schema: { type: "struct", fields: [] }, numRows: 0, columns: [], transfer: [] };
    await expect(runJoinFragment(piece, [], "broadcast-gone", { timeZone: "UTC", ansi: false, decimalAllowPrecisionLoss: true, timestampNTZ: false, currentTimestampUs: 0 }, 10)).rejects.toMatchObject({ code: "BROADCAST_UNKNOWN" });
  });
});

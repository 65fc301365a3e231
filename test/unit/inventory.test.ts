import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BatchedReader } from "../../provider/inventory";

describe("BatchedReader", () => {
  it("answers concurrent reads with one fetch of every key asked for", async () => {
    const fetches: string[][] = [];
    const reader = new BatchedReader<string, number>(async (keys) => {
      fetches.push([...keys].sort());
      return new Map(keys.filter((k) => k !== "gone").map((k) => [k, k.length]));
    });
    const names = Array.from({ length: 100 }, (_, i) => `zroot/ds${i}`);
    const values = await Promise.all([...names, "gone"].map((n) => reader.get(n)));
    assert.equal(fetches.length, 1);
    assert.equal(fetches[0]!.length, 101);
    assert.deepEqual(
      values.slice(0, 100),
      names.map((n) => n.length),
    );
    assert.equal(values[100], undefined);
  });

  it("does not cache past a fetch: a later read sees the host as it now is", async () => {
    let generation = 0;
    const reader = new BatchedReader<string, number>(async (keys) => new Map(keys.map((k) => [k, ++generation])));
    assert.equal(await reader.get("a"), 1);
    assert.equal(await reader.get("a"), 2);
  });

  it("shares a failed fetch's error with every waiter, and recovers after", async () => {
    let fail = true;
    const reader = new BatchedReader<string, string>(async (keys) => {
      if (fail) throw new Error("host unreachable");
      return new Map(keys.map((k) => [k, k]));
    });
    const results = await Promise.allSettled([reader.get("a"), reader.get("b")]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["rejected", "rejected"],
    );
    fail = false;
    assert.equal(await reader.get("a"), "a");
  });
});

import { describe, expect, it } from "vitest";
import { BatchWriter } from "../../lib/batch-writer";

function recorder(fail = (_batch: number[]) => false) {
  const batches: number[][] = [];
  const errors: [string, number][] = [];
  const writer = new BatchWriter<number>({
    flushIntervalMs: 20,
    maxBuffered: 3,
    write: async (batch) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail(batch)) throw new Error(`could not write ${batch.join(",")}`);
      batches.push(batch);
    },
    onError: (error, lost) => errors.push([(error as Error).message, lost]),
  });
  return { writer, batches, errors };
}

describe("BatchWriter", () => {
  it("writes what was added within the interval as one batch, and settles each add once written", async () => {
    const { writer, batches } = recorder();
    const first = writer.add(1);
    const second = writer.add(2);
    expect(batches).toEqual([]);
    await Promise.all([first, second]);
    expect(batches).toEqual([[1, 2]]);
  });

  it("writes at once when the buffer is full, in the order items came", async () => {
    const { writer, batches } = recorder();
    const settled = [1, 2, 3, 4].map((item) => writer.add(item));
    await settled[2];
    expect(batches).toEqual([[1, 2, 3]]);
    await settled[3];
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it("flush writes everything added before it", async () => {
    const { writer, batches } = recorder();
    void writer.add(7);
    await writer.flush();
    expect(batches).toEqual([[7]]);
    await writer.flush();
    expect(batches).toEqual([[7]]);
  });

  it("reports a batch it could not write and goes on with the next", async () => {
    const { writer, batches, errors } = recorder((batch) => batch.includes(1));
    await writer.add(1);
    await writer.add(2);
    expect(errors).toEqual([["could not write 1", 1]]);
    expect(batches).toEqual([[2]]);
  });
});

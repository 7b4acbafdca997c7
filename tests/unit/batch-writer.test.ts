import { describe, expect, it } from "vitest";
import { BatchWriter } from "../../lib/batch-writer";

/** An error like the one pg gives when PostgreSQL is down. */
function connectionRefused(): Error {
  return Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
}

function recorder(fail: (batch: number[]) => Error | false = () => false, options: { maxHeld?: number; maxAttempts?: number } = {}) {
  const batches: number[][] = [];
  const errors: [string, number][] = [];
  const drops: [number, string][] = [];
  const writer = new BatchWriter<number>({
    flushIntervalMs: 20,
    maxBuffered: 3,
    retryInitialMs: 5,
    retryMaxMs: 20,
    ...options,
    write: async (batch) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const error = fail(batch);
      if (error) throw error;
      batches.push(batch);
    },
    onError: (error, held) => errors.push([(error as Error).message, held]),
    onDrop: (count, reason) => drops.push([count, reason]),
  });
  return { writer, batches, errors, drops };
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

  it("retries a batch while the database is away, keeps what comes meanwhile, and writes it all in order once it is back", async () => {
    let down = 4;
    const { writer, batches, errors, drops } = recorder(() => (down-- > 0 ? connectionRefused() : false));
    const first = writer.add(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const later = [2, 3, 4, 5].map((item) => writer.add(item));
    await Promise.all([first, ...later]);
    expect(batches.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(errors.length).toBe(4);
    expect(drops).toEqual([]);
    expect(writer.dropped).toBe(0);
  });

  it("gives up a batch the database keeps refusing (not an outage) after its attempts, says so, and goes on with the next", async () => {
    const { writer, batches, errors, drops } = recorder((batch) => (batch.includes(1) ? new Error(`could not write ${batch.join(",")}`) : false), { maxAttempts: 3 });
    await writer.add(1);
    await writer.add(2);
    expect(errors).toEqual([
      ["could not write 1", 1],
      ["could not write 1", 1],
    ]);
    expect(drops).toEqual([[1, "rejected"]]);
    expect(writer.dropped).toBe(1);
    expect(batches).toEqual([[2]]);
  });

  it("holds at most maxHeld items through an outage and counts every item it had to refuse", async () => {
    let down = true;
    const { writer, batches, drops } = recorder(() => (down ? connectionRefused() : false), { maxHeld: 4 });
    const settled = [1, 2, 3, 4, 5, 6].map((item) => writer.add(item));
    expect(writer.held).toBe(4);
    expect(drops).toEqual([
      [1, "full"],
      [1, "full"],
    ]);
    down = false;
    await Promise.all(settled);
    expect(batches.flat()).toEqual([1, 2, 3, 4]);
    expect(writer.dropped).toBe(2);
  });

  it("on close gives up what the database never took, reports it, and settles every add", async () => {
    const { writer, drops } = recorder(() => connectionRefused());
    const settled = [1, 2].map((item) => writer.add(item));
    await new Promise((resolve) => setTimeout(resolve, 40));
    await writer.close();
    await Promise.all(settled);
    expect(drops).toEqual([[2, "closed"]]);
    expect(writer.dropped).toBe(2);
  });
});

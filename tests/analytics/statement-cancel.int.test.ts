import { afterAll, describe, expect, it } from "vitest";
import { db, queryUntilAborted, sqlPool } from "@/lib/db";
import { waitFor } from "../helpers/worker";

/**
 * A job's timeout or cancel aborts its signal; a statement it started must stop in PostgreSQL
 * then, not run on to its end holding a backend and its memory.
 */
const pool = () => sqlPool(db());

async function backendState(pid: number): Promise<string | null> {
  const { rows } = await pool().query<{ state: string | null }>(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [pid]);
  return rows[0]?.state ?? null;
}

afterAll(async () => {
  await pool().query(`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND pid <> pg_backend_pid()`);
});

describe("queryUntilAborted", () => {
  it("cancels the running statement in PostgreSQL and rejects with the signal's reason", async () => {
    const client = await pool().connect();
    try {
      const pid = (client as unknown as { processID: number }).processID;
      const controller = new AbortController();
      const running = queryUntilAborted(pool(), client, "SELECT pg_sleep(60)", [], controller.signal);
      const outcome = running.then(
        () => "finished",
        (error: unknown) => error,
      );
      await waitFor(async () => (await backendState(pid)) === "active", 10_000);
      const reason = new Error("forecast timed out after 10 s");
      controller.abort(reason);
      expect(await outcome).toBe(reason);
      // The backend is free again: it answers the next statement at once.
      expect(await backendState(pid)).toBe("idle");
      expect((await client.query<{ one: number }>("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    } finally {
      client.release();
    }
  });

  it("returns the rows of a statement that ends before any abort, and refuses to start after one", async () => {
    const client = await pool().connect();
    try {
      const controller = new AbortController();
      expect(await queryUntilAborted<{ n: number }>(pool(), client, "SELECT $1::int AS n", [7], controller.signal)).toEqual([{ n: 7 }]);
      const reason = new Error("cancelled by the user");
      controller.abort(reason);
      await expect(queryUntilAborted(pool(), client, "SELECT 1", [], controller.signal)).rejects.toBe(reason);
    } finally {
      client.release();
    }
  });

  it("passes a statement's own error through when nothing aborted", async () => {
    const client = await pool().connect();
    try {
      await expect(queryUntilAborted(pool(), client, "SELECT 1/0", [], new AbortController().signal)).rejects.toThrow(/division by zero/);
    } finally {
      client.release();
    }
  });
});

import { describe, expect, it } from "vitest";
import * as pause from "@/app/api/v1/queues/[queueKey]/pause/route";
import * as queues from "@/app/api/v1/queues/route";
import { db } from "@/lib/db";
import { call, createTestUser } from "../helpers/fixtures";

const sameOrigin = { origin: "http://localhost:3000" };

describe("browser sessions follow the account, not only the token", () => {
  it("a deleted user's session is refused", async () => {
    const user = await createTestUser("PLANNER");
    await db().user.delete({ where: { id: user.id } });
    const response = await call(queues.GET, { auth: { cookie: user.cookie } });
    expect(response.status).toBe(401);
  });

  it("an admin demoted to planner loses admin rights although the token still says ADMIN", async () => {
    const user = await createTestUser("ADMIN");
    await db().user.update({ where: { id: user.id }, data: { role: "PLANNER" } });
    const response = await call(pause.POST, { method: "POST", params: { queueKey: "sync" }, auth: { cookie: user.cookie }, headers: sameOrigin });
    expect(response.status).toBe(403);
    expect((await call(queues.GET, { auth: { cookie: user.cookie } })).status).toBe(200);
  });
});

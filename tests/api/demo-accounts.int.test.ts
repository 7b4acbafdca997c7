import { describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/passwords";
import { db } from "@/lib/db";
import { DEMO_USERS, seededDemoAccounts } from "@/lib/demo/demo-users";
import { createTestOrganization } from "../helpers/fixtures";

describe("demo sign-ins on the sign-in page", () => {
  it("offers only the demo accounts that exist in the database", async () => {
    await db().user.deleteMany({ where: { email: { in: DEMO_USERS.map((user) => user.email) } } });
    expect(await seededDemoAccounts()).toEqual([]);
    const planner = DEMO_USERS.find((user) => user.role === "PLANNER")!;
    const organization = await createTestOrganization("Northwind");
    await db().user.create({
      data: { email: planner.email, name: planner.name, role: "PLANNER", organizationId: organization.id, passwordHash: await hashPassword(planner.password) },
    });
    expect(await seededDemoAccounts()).toEqual([{ role: "PLANNER", email: planner.email, password: planner.password, organization: organization.name }]);
    await db().user.delete({ where: { email: planner.email } });
  });
});

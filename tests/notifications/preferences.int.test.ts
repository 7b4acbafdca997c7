import { beforeAll, describe, expect, it } from "vitest";
import * as route from "@/app/api/v1/me/notification-preferences/route";
import { db } from "@/lib/db";
import { normalizePhoneNumber } from "@/lib/notifications/phone";
import { call, createTestUser, type TestUser } from "../helpers/fixtures";
import { expectErrorShape } from "../api/support";

let planner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  [planner, admin] = await Promise.all([createTestUser("PLANNER"), createTestUser("ADMIN")]);
});

const get = (user: TestUser) => call(route.GET, { path: "/api/v1/me/notification-preferences", auth: { apiKey: user.apiKey } });
const put = (user: TestUser, body: unknown) => call(route.PUT, { method: "PUT", path: "/api/v1/me/notification-preferences", body, auth: { apiKey: user.apiKey } });

describe("GET/PUT /api/v1/me/notification-preferences", () => {
  it("answers the defaults: the bell for everything, email for failures and reports; queue alerts for admins only", async () => {
    const response = await get(planner);
    expect(response.status).toBe(200);
    expect(response.json.channels).toEqual(["IN_APP", "EMAIL", "SMS", "PUSH"]);
    expect(response.json.events.map((entry: { event: string }) => entry.event)).toEqual(["job-finished", "job-failed", "report-ready", "import-report"]);
    expect(response.json.preferences).toEqual({
      "job-finished": { IN_APP: true, EMAIL: false, SMS: false, PUSH: false },
      "job-failed": { IN_APP: true, EMAIL: true, SMS: false, PUSH: false },
      "report-ready": { IN_APP: true, EMAIL: true, SMS: false, PUSH: false },
      "import-report": { IN_APP: true, EMAIL: true, SMS: false, PUSH: false },
    });
    expect(response.json.phoneNumber).toBeNull();
    expect((await get(admin)).json.preferences["queue-alert"]).toEqual({ IN_APP: true, EMAIL: false, SMS: false, PUSH: false });
  });

  it("changes only what is named, stores only what differs from the defaults, and normalises the phone", async () => {
    const first = await put(planner, { preferences: { "job-finished": { EMAIL: true } }, phoneNumber: "+49 (151) 1234-5678" });
    expect(first.status).toBe(200);
    expect(first.json.phoneNumber).toBe("+4915112345678");
    const second = await put(planner, { preferences: { "job-failed": { SMS: true, IN_APP: false } } });
    expect(second.json.preferences["job-finished"]).toEqual({ IN_APP: true, EMAIL: true, SMS: false, PUSH: false });
    expect(second.json.preferences["job-failed"]).toEqual({ IN_APP: false, EMAIL: true, SMS: true, PUSH: false });
    expect(second.json.phoneNumber).toBe("+4915112345678");
    const stored = await db().notificationSettings.findUniqueOrThrow({ where: { userId: planner.id } });
    expect(stored.channels).toEqual({ "job-finished": { EMAIL: true }, "job-failed": { SMS: true, IN_APP: false } });
    expect((await get(planner)).json).toEqual(second.json);
  });

  it("refuses a number that is not E.164, SMS without a number, unknown events and queue alerts for planners", async () => {
    const badPhone = await put(planner, { phoneNumber: "0151 1234567" });
    expect(badPhone.status).toBe(422);
    expectErrorShape(badPhone.json, "unprocessable-entity");
    expect(badPhone.json.error.details[0]).toMatchObject({ path: "body.phoneNumber" });
    expect((await put(planner, { phoneNumber: null })).status).toBe(422); // SMS is still on for job-failed
    const other = await createTestUser("PLANNER");
    const noPhone = await put(other, { preferences: { "report-ready": { SMS: true } } });
    expect(noPhone.status).toBe(422);
    expect(noPhone.json.error.message).toContain("set a phone number first");
    expect((await put(other, { preferences: { "job-exploded": { EMAIL: true } } })).status).toBe(422);
    expect((await put(other, { preferences: { "queue-alert": { EMAIL: true } } })).status).toBe(422);
    expect((await put(admin, { preferences: { "queue-alert": { EMAIL: true } } })).json.preferences["queue-alert"].EMAIL).toBe(true);
  });
});

describe("normalizePhoneNumber", () => {
  it("keeps E.164 and refuses numbers without a country code or too long", () => {
    expect(normalizePhoneNumber("+14155550100")).toEqual({ ok: true, phone: "+14155550100" });
    expect(normalizePhoneNumber("+1 415.555.0100")).toEqual({ ok: true, phone: "+14155550100" });
    expect(normalizePhoneNumber("004915112345678").ok).toBe(false);
    expect(normalizePhoneNumber("+0123456").ok).toBe(false);
    expect(normalizePhoneNumber("+1234567890123456").ok).toBe(false);
    expect(normalizePhoneNumber("+49151abc").ok).toBe(false);
  });
});

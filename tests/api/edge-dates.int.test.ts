import { beforeAll, describe, expect, it } from "vitest";
import * as audit from "@/app/api/v1/audit/route";
import * as groupJobs from "@/app/api/v1/failed-groups/[fingerprint]/jobs/route";
import * as jobs from "@/app/api/v1/jobs/route";
import * as notifications from "@/app/api/v1/notifications/route";
import * as runs from "@/app/api/v1/runs/route";
import { encodeKeysetCursor } from "@/lib/api/keyset-cursor";
import { createTestUser, type TestUser } from "../helpers/fixtures";
import { invoke } from "./support";

/**
 * Dates and cursors at the edges of what JS and PostgreSQL hold used to reach the query and
 * answer 500 (a year past 9999 serialises as "+010000-…", which PostgreSQL cannot read). Each
 * endpoint must answer 422 naming the parameter instead, and keep working at the edges it allows.
 */
let admin: TestUser;
beforeAll(async () => {
  admin = await createTestUser("ADMIN");
});

const raw = (text: string) => Buffer.from(text, "utf8").toString("base64url");
const FINGERPRINT = "0123456789abcdef0123";

const dated = [
  { handler: runs.GET, path: "/api/v1/runs", params: {} },
  { handler: audit.GET, path: "/api/v1/audit", params: {} },
];
const paged = [
  ...dated,
  { handler: jobs.GET, path: "/api/v1/jobs", params: {} },
  { handler: notifications.GET, path: "/api/v1/notifications", params: {} },
  { handler: groupJobs.GET, path: `/api/v1/failed-groups/${FINGERPRINT}/jobs`, params: { fingerprint: FINGERPRINT } },
];
type Endpoint = (typeof paged)[number];
const getter =
  ({ handler, path, params }: Endpoint) =>
  (query: string) =>
    invoke(handler, { path: `${path}?${query}`, params, auth: { apiKey: admin.apiKey } });

const badDates: [string, string][] = [
  ["to=9999-12-31T23:59:59-01:00", "query.to"],
  ["from=275760-09-13", "query.from"],
  ["from=%2B275760-09-13T00:00:00Z", "query.from"],
  ["to=10000-01-01", "query.to"],
  ["from=0000-01-01", "query.from"],
  ["from=1969-12-31T23:59:59Z", "query.from"],
  ["from=-000001-01-01T00:00:00Z", "query.from"],
  ["to=2026-02-30", "query.to"],
  ["to=Nov%2028%202026", "query.to"],
];

const badCursors: [string, string][] = [
  ["year 275760", raw("+275760-09-13T00:00:00.000Z|x")],
  ["year 10000", raw("+010000-01-01T00:00:00.000Z|x")],
  ["year -1", raw("-000001-01-01T00:00:00.000Z|x")],
  ["before 1970", raw("1969-12-31T23:59:59.999Z|x")],
  ["not the ISO form we write", raw("9999-12-31|x")],
  ["an invalid date", raw("2026-13-45T00:00:00.000Z|x")],
  ["a NUL in the id", raw("2026-01-01T00:00:00.000Z|a\u0000b")],
  ["an empty id", raw("2026-01-01T00:00:00.000Z|")],
];

describe.each(dated)("GET $path date filters", (endpoint) => {
  const get = getter(endpoint);

  it.each(badDates)("%s answers 422 at %s", async (query, field) => {
    const response = await get(query);
    expect(response.status, response.text).toBe(422);
    expect(response.json.error.code).toBe("unprocessable-entity");
    expect(response.json.error.message).toContain(`${field}: must be a date (YYYY-MM-DD) or an ISO date-time`);
    expect(response.json.error.message).toContain("from 1970-01-01 to 9999-12-31");
  });

  it("accepts the widest range it allows", async () => {
    for (const query of ["from=1970-01-01&to=9999-12-31", "to=9999-12-31T23:59:59.999Z", "from=1970-01-01T00:00:00Z", "from=9999-12-31"]) {
      const response = await get(query);
      expect(response.status, `${query}: ${response.text}`).toBe(200);
    }
  });

});

describe.each(paged)("GET $path cursors", (endpoint) => {
  const get = getter(endpoint);

  it.each(badCursors)("a cursor with %s answers 422", async (_, cursor) => {
    const response = await get(`cursor=${cursor}`);
    expect(response.status, response.text).toBe(422);
    expect(response.json.error.message).toMatch(/query\.cursor: is not a cursor this API returned/);
  });

  it("follows cursors at both ends of the range", async () => {
    for (const at of ["1970-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"]) {
      const response = await get(`cursor=${encodeKeysetCursor({ at: new Date(at), id: "zzzz" })}`);
      expect(response.status, `${at}: ${response.text}`).toBe(200);
    }
  });
});

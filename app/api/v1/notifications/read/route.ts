import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { markNotificationsRead } from "@/lib/inbox/inbox";

export const dynamic = "force-dynamic";

const body = z.union(
  [
    z.object({ ids: z.array(z.string().min(1).max(200)).min(1, "name at least one notification").max(100, "at most 100 ids at a time") }).strict(),
    z.object({ all: z.literal(true) }).strict(),
  ],
  { error: 'send either { "ids": [...] } or { "all": true }' },
);

// POST /api/v1/notifications/read — mark some or all of the caller's notifications read (signed in)
export const POST = apiRoute({ auth: "user", body, doc: { summary: "Mark some or all of the caller's notifications read", tag: "notifications" } }, async ({ body, principal }) =>
  markNotificationsRead(principal.id, "all" in body ? { all: true } : { ids: body.ids }),
);

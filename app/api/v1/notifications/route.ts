import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { decodeNotificationCursor, listNotifications } from "@/lib/notifications/job-notifications";

export const dynamic = "force-dynamic";

const query = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** nextCursor of the previous page. */
  cursor: z.string().min(1).max(400).optional(),
  /** 1: only unread ones. */
  unread: z.enum(["0", "1"]).optional(),
});

// GET /api/v1/notifications — the caller's notifications, newest first, with the unread count (signed in)
export const GET = apiRoute({ auth: "user", query }, async ({ query, principal }) => {
  const after = query.cursor === undefined ? undefined : decodeNotificationCursor(query.cursor);
  if (after === null) {
    throw new ApiError("unprocessable-entity", "Invalid query — query.cursor: not a cursor from this list", [
      { path: "query.cursor", message: "not a cursor from this list" },
    ]);
  }
  return listNotifications(principal.id, { limit: query.limit, after, unreadOnly: query.unread === "1" });
});

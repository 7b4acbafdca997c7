import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { dateParam } from "@/lib/api/date-params";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { keysetCursorParam } from "@/lib/api/keyset-cursor";
import { auditActions, listAudit } from "@/lib/audit-queries";

export const dynamic = "force-dynamic";

const query = z
  .object({
    action: z.string().trim().max(100).optional(),
    actor: z.string().trim().max(200).optional(),
    target: z.string().trim().max(200).optional(),
    /** Only actions about one organisation's runs, by id or slug. */
    organization: organizationParam.optional(),
    from: dateParam("start").optional(),
    to: dateParam("end").optional(),
    cursor: keysetCursorParam.optional(),
    limit: z.coerce.number().int("must be a whole number").min(1, "must be at least 1").max(200, "must be at most 200").default(50),
  })
  .refine((range) => !range.from || !range.to || range.from <= range.to, { message: "must not be before from", path: ["to"] });

// GET /api/v1/audit?action=&actor=&target=&organization=&from=&to=&cursor=&limit= — admin actions, newest first (admin)
export const GET = apiRoute({
  auth: "admin",
  query,
  doc: {
    summary: "Admin actions, newest first, filtered and paged by keyset",
    description: "The first page (no `cursor`) also lists the actions that occur, for the filter.",
  },
}, async ({ query, principal }) => {
  const organizationId = await readScope(principal, query.organization);
  const [page, actions] = await Promise.all([
    listAudit({
      action: query.action || undefined,
      actor: query.actor || undefined,
      target: query.target || undefined,
      organizationId,
      from: query.from,
      to: query.to,
      cursor: query.cursor,
      limit: query.limit,
    }),
    // The filter's choices are only needed with the first page.
    query.cursor ? undefined : auditActions(),
  ]);
  return actions ? { ...page, actions } : page;
});

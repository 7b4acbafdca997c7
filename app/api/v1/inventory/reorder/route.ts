import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { organizationParam, readScope } from "@/lib/api/organization-scope";
import { REORDER_HORIZON_DAYS } from "@/lib/inventory/reorder-list";
import { whatToOrder } from "@/lib/optimization/optimization-queries";

export const dynamic = "force-dynamic";

const query = z.object({
  days: z.coerce.number().int().min(0).max(90).default(REORDER_HORIZON_DAYS),
  /** Admins: one organisation's (id or slug); planners always get their own. */
  organization: organizationParam.optional(),
});

const utcToday = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
};

// GET /api/v1/inventory/reorder?days=7&organization= — what to order this week: warehouses to order now or by `days` from today, most urgent first (planners: their organisation's)
export const GET = apiRoute({
  auth: "user",
  query,
  doc: {
    summary: "What to order this week, most urgent first",
    description:
      "Each product's latest saved policy (per warehouse: reorder point, order quantity, daily demand) against today's stock on hand and open orders. " +
      "A line is listed when its inventory position is at or below the reorder point (`order-now`) or reaches it within `days` days (`this-week`); " +
      "sorted by order-by date, then days of cover. Products never optimised are not listed. Planners read their organisation's.",
  },
}, async ({ query, principal }) => whatToOrder({ organizationId: await readScope(principal, query.organization), today: utcToday(), horizonDays: query.days }));

import { apiRoute } from "@/lib/api/handler";
import { listOrganizations } from "@/lib/organizations/organizations";
import { ownScope } from "@/lib/organizations/scope";

export const dynamic = "force-dynamic";

// GET /api/v1/organizations — organisations with their user and product counts (admins: all; planners: their own)
export const GET = apiRoute({ auth: "user", doc: { summary: "Organisations with their user and product counts (planners: their own)" } }, async ({ principal }) => ({
  organizations: await listOrganizations({ only: ownScope(principal) }),
}));

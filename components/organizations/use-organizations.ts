"use client";

import { useQuery } from "@tanstack/react-query";
import type { OrganizationSummary } from "@/lib/organizations/organizations";
import { queryKeys } from "@/lib/query-keys";
import { getJson } from "../api/api-client";

/** The organisations the viewer may see (an admin: all; a planner: their own), rarely changing. */
export function useOrganizations() {
  return useQuery({
    queryKey: queryKeys.organizations.list(),
    queryFn: ({ signal }) => getJson<{ organizations: OrganizationSummary[] }>("/api/v1/organizations", { signal }),
    staleTime: 5 * 60_000,
  });
}

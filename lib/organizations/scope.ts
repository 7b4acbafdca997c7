import type { Principal } from "../auth/principal";

/**
 * The organisation a caller's reads are confined to: a planner's own; undefined (every
 * organisation) for an admin, who operates the platform for all of them.
 */
export function ownScope(principal: Pick<Principal, "role" | "organizationId">): string | undefined {
  return principal.role === "ADMIN" ? undefined : principal.organizationId;
}

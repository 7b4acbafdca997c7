import { z } from "zod";
import type { Principal } from "../auth/principal";
import { findOrganization } from "../organizations/organizations";
import { ownScope } from "../organizations/scope";
import { ApiError, excerpt } from "./errors";

/** `?organization=` on lists: an organisation's id or slug; left empty, every organisation. */
export const organizationParam = z.string().trim().max(200, "must be at most 200 characters");

/**
 * The organisation a read is limited to, or undefined for every organisation. A planner always
 * reads their own (a filter they send can neither widen nor move it: the organisation comes from
 * the credentials); an admin, the platform's operator, reads all of them unless `organization`
 * names one. An admin naming an organisation that does not exist is told so rather than shown an
 * empty list that looks like an answer.
 */
export async function readScope(principal: Principal, organization: string | undefined): Promise<string | undefined> {
  const own = ownScope(principal);
  if (own || !organization) return own;
  const found = await findOrganization(organization);
  if (!found) {
    const message = `no organisation with id or slug "${excerpt(organization)}"`;
    throw new ApiError("unprocessable-entity", `Invalid query — query.organization: ${message}`, [{ path: "query.organization", message }]);
  }
  return found.id;
}
